using Mpc.Compiler.Tests.Support;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Plaintext;
using Xunit;

namespace Mpc.Compiler.Tests.Execution;

/// <summary>The float kernels against plain loops written from the definitions, at many sizes (tile edges included).</summary>
public sealed class KernelTests
{
    public static TheoryData<int, int, int> GemmSizes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var m in new[] { 1, 3, 4, 5, 9 })
        {
            foreach (var n in new[] { 1, 7, 8, 16, 17, 33 })
            {
                data.Add(m, 5, n);
            }
        }

        data.Add(300, 70, 40);
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmSizes))]
    public void GemmMatchesTheDefinition(int m, int k, int n)
    {
        var a = Compare.Random(m * k, 1);
        var b = Compare.Random(k * n, 2);
        var bias = Compare.Random(n, 3);
        foreach (var withBias in new[] { false, true })
        {
            var c = new float[m * n];
            FloatGemm.Multiply(a, b, withBias ? bias : default, c, m, k, n);
            var expected = new float[m * n];
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    double sum = withBias ? bias[j] : 0;
                    for (var p = 0; p < k; p++)
                    {
                        sum += (double)a[(i * k) + p] * b[(p * n) + j];
                    }

                    expected[(i * n) + j] = (float)sum;
                }
            }

            Assert.True(Compare.MaxAbsError(c, expected) <= 1e-5);
        }
    }

    [Theory]
    [InlineData(1, 5, 5, 3, 4, 3, 1, 1, 1, 1)]
    [InlineData(2, 7, 6, 2, 3, 3, 2, 0, 1, 1)]
    [InlineData(1, 20, 20, 3, 8, 5, 3, 2, 2, 2)]
    public void ConvolutionMatchesTheDefinition(int batch, int h, int w, int cin, int cout, int k, int stride, int top, int left, int bottomRight)
    {
        var g = new Conv2DGeometry(batch, h, w, cin, cout, k, k, stride, stride, top, left, bottomRight, bottomRight);
        var x = Compare.Random(g.InputLength, 4);
        var f = Compare.Random(g.FilterLength, 5);
        var y = new float[g.OutputLength];
        FloatConv.Conv2D(g, x, f, default, y);

        var expected = new float[g.OutputLength];
        for (var n = 0; n < batch; n++)
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    for (var o = 0; o < cout; o++)
                    {
                        double sum = 0;
                        for (var kh = 0; kh < k; kh++)
                        {
                            for (var kw = 0; kw < k; kw++)
                            {
                                var ih = (oh * stride) - top + kh;
                                var iw = (ow * stride) - left + kw;
                                for (var c = 0; ih >= 0 && ih < h && iw >= 0 && iw < w && c < cin; c++)
                                {
                                    sum += (double)x[(((((n * h) + ih) * w) + iw) * cin) + c] * f[(((((kh * k) + kw) * cin) + c) * cout) + o];
                                }
                            }
                        }

                        expected[(((((n * g.OutH) + oh) * g.OutW) + ow) * cout) + o] = (float)sum;
                    }
                }
            }
        }

        Assert.True(Compare.MaxAbsError(y, expected) <= 1e-5);
    }

    [Fact]
    public void PoolsCountOnlyValidElements()
    {
        // 1x3x3x1 input 1..9, 2x2 window, stride 2, padding 1 after: windows {1,2,4,5}, {3,6}, {7,8}, {9}.
        var g = new PoolGeometry(1, 3, 3, 1, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var y = new float[4];
        FloatPool.Sum(g, x, y);
        Assert.Equal([12f, 9, 15, 9], y);
        FloatPool.Average(g, x, y);
        Assert.Equal([3f, 4.5f, 7.5f, 9], y);
        FloatPool.Max(g, x, y);
        Assert.Equal([5f, 6, 8, 9], y);
    }
}
