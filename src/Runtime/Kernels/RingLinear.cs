using System.Numerics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Linear algebra over Z_2^k: matrix product and NHWC/HWIO convolution. Wraparound is the ring's
/// reduction. Scalar reference bodies; the blocked SIMD versions keep these signatures.
/// </summary>
public static class RingLinear
{
    /// <summary>C = A·B (or C += A·B), row-major: A is m×k, B is k×n, C is m×n.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (a.Length != m * k || b.Length != k * n || c.Length != m * n)
        {
            throw new ArgumentException($"matmul {m}x{k} * {k}x{n}: got lengths {a.Length}, {b.Length}, {c.Length}");
        }

        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            if (!accumulate)
            {
                row.Clear();
            }

            for (var p = 0; p < k; p++)
            {
                var aip = a[(i * k) + p];
                var bRow = b.Slice(p * n, n);
                for (var j = 0; j < n; j++)
                {
                    row[j] += aip * bRow[j];
                }
            }
        }
    }

    /// <summary>2-D convolution (cross-correlation, as TensorFlow's Conv2D): NHWC input, HWIO filter, NHWC output, zero padding.</summary>
    public static void Conv2D<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> filter, Span<T> output, in Conv2DGeometry g, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        g.Validate();
        if (input.Length != g.InputLength || filter.Length != g.FilterLength || output.Length != g.OutputLength)
        {
            throw new ArgumentException($"conv2d {g}: got lengths {input.Length}, {filter.Length}, {output.Length}");
        }

        if (!accumulate)
        {
            output.Clear();
        }

        int outH = g.OutH, outW = g.OutW;
        for (var b = 0; b < g.Batch; b++)
        {
            for (var oy = 0; oy < outH; oy++)
            {
                for (var ox = 0; ox < outW; ox++)
                {
                    var o = output.Slice((((b * outH) + oy) * outW + ox) * g.OutC, g.OutC);
                    for (var ky = 0; ky < g.KH; ky++)
                    {
                        var iy = (oy * g.StrideH) + ky - g.PadTop;
                        if ((uint)iy >= (uint)g.InH)
                        {
                            continue;
                        }

                        for (var kx = 0; kx < g.KW; kx++)
                        {
                            var ix = (ox * g.StrideW) + kx - g.PadLeft;
                            if ((uint)ix >= (uint)g.InW)
                            {
                                continue;
                            }

                            var x = input.Slice((((b * g.InH) + iy) * g.InW + ix) * g.InC, g.InC);
                            for (var ci = 0; ci < g.InC; ci++)
                            {
                                var w = filter.Slice((((ky * g.KW) + kx) * g.InC + ci) * g.OutC, g.OutC);
                                var xv = x[ci];
                                for (var co = 0; co < g.OutC; co++)
                                {
                                    o[co] += xv * w[co];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
