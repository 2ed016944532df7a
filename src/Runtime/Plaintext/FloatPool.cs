using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Plaintext;

/// <summary>
/// Float32 pooling over NHWC input. Padded positions never contribute: MaxPool takes the maximum of
/// the valid elements and AvgPool divides by their number (TensorFlow's SAME semantics).
/// </summary>
public static class FloatPool
{
    public static void Max(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y) => Run(g, x, y, Kind.Max);

    public static void Average(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y) => Run(g, x, y, Kind.Average);

    /// <summary>The sum of each window's valid elements (AvgPool with its divisor folded away).</summary>
    public static void Sum(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y) => Run(g, x, y, Kind.Sum);

    private enum Kind
    {
        Max,
        Average,
        Sum,
    }

    private static void Run(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y, Kind kind)
    {
        g.Validate();
        if (x.Length != g.InputLength || y.Length != g.OutputLength)
        {
            throw new ArgumentException($"pooling buffers do not match {g}");
        }

        var c = g.Channels;
        for (var n = 0; n < g.Batch; n++)
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var h0 = Math.Max((oh * g.StrideH) - g.PadTop, 0);
                var h1 = Math.Min((oh * g.StrideH) - g.PadTop + g.KH, g.InH);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var w0 = Math.Max((ow * g.StrideW) - g.PadLeft, 0);
                    var w1 = Math.Min((ow * g.StrideW) - g.PadLeft + g.KW, g.InW);
                    var output = y.Slice((((n * g.OutH) + oh) * g.OutW + ow) * c, c);
                    output.Fill(kind == Kind.Max ? float.NegativeInfinity : 0f);
                    for (var ih = h0; ih < h1; ih++)
                    {
                        for (var iw = w0; iw < w1; iw++)
                        {
                            var input = x.Slice((((n * g.InH) + ih) * g.InW + iw) * c, c);
                            if (kind == Kind.Max)
                            {
                                for (var i = 0; i < c; i++)
                                {
                                    output[i] = Math.Max(output[i], input[i]);
                                }
                            }
                            else
                            {
                                for (var i = 0; i < c; i++)
                                {
                                    output[i] += input[i];
                                }
                            }
                        }
                    }

                    if (kind == Kind.Average)
                    {
                        var count = (float)((h1 - h0) * (w1 - w0));
                        for (var i = 0; i < c; i++)
                        {
                            output[i] /= count;
                        }
                    }
                }
            }
        }
    }
}
