using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Plaintext;

/// <summary>
/// Float32 convolutions over NHWC input for the plaintext path. Conv2D gathers a block of output
/// pixels' receptive fields (im2col, HWIO order, zeros for padding) and multiplies the block by the
/// HWIO filter, which is already the [KH*KW*Cin, Cout] matrix: the output block lands in NHWC order.
/// </summary>
public static class FloatConv
{
    /// <summary>Output pixels gathered per GEMM call: bounds the patch buffer to a few MB.</summary>
    private const int PixelsPerBlock = 256;

    /// <param name="bias">Empty, or Cout values.</param>
    public static void Conv2D(in Conv2DGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        g.Validate();
        if (x.Length != g.InputLength || w.Length != g.FilterLength || y.Length != g.OutputLength || (!bias.IsEmpty && bias.Length != g.OutC))
        {
            throw new ArgumentException($"convolution buffers do not match {g}");
        }

        var patch = g.KH * g.KW * g.InC;
        var pixels = g.Batch * g.OutH * g.OutW;
        var buffer = new float[Math.Min(PixelsPerBlock, pixels) * patch];
        for (var start = 0; start < pixels; start += PixelsPerBlock)
        {
            var count = Math.Min(PixelsPerBlock, pixels - start);
            var block = buffer.AsSpan(0, count * patch);
            for (var p = 0; p < count; p++)
            {
                Gather(g, x, start + p, block.Slice(p * patch, patch));
            }

            FloatGemm.Multiply(block, w, bias, y.Slice(start * g.OutC, count * g.OutC), count, patch, g.OutC);
        }
    }

    /// <summary>
    /// Depthwise convolution: filter [KH, KW, C, M], output channel c*M + m. The geometry's Channels
    /// is the input channel count.
    /// </summary>
    public static void Depthwise(in PoolGeometry g, int multiplier, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        g.Validate();
        var outC = g.Channels * multiplier;
        if (x.Length != g.InputLength || w.Length != g.KH * g.KW * outC || y.Length != g.OutputLength * multiplier ||
            (!bias.IsEmpty && bias.Length != outC))
        {
            throw new ArgumentException($"depthwise buffers do not match {g} with multiplier {multiplier}");
        }

        for (var n = 0; n < g.Batch; n++)
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    var output = y.Slice((((n * g.OutH) + oh) * g.OutW + ow) * outC, outC);
                    if (bias.IsEmpty)
                    {
                        output.Clear();
                    }
                    else
                    {
                        bias.CopyTo(output);
                    }

                    for (var kh = 0; kh < g.KH; kh++)
                    {
                        var ih = (oh * g.StrideH) - g.PadTop + kh;
                        if ((uint)ih >= (uint)g.InH)
                        {
                            continue;
                        }

                        for (var kw = 0; kw < g.KW; kw++)
                        {
                            var iw = (ow * g.StrideW) - g.PadLeft + kw;
                            if ((uint)iw >= (uint)g.InW)
                            {
                                continue;
                            }

                            var input = x.Slice((((n * g.InH) + ih) * g.InW + iw) * g.Channels, g.Channels);
                            var filter = w.Slice(((kh * g.KW) + kw) * outC, outC);
                            for (var c = 0; c < g.Channels; c++)
                            {
                                for (var m = 0; m < multiplier; m++)
                                {
                                    output[(c * multiplier) + m] += input[c] * filter[(c * multiplier) + m];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>The receptive field of output pixel <paramref name="pixel"/> (batch-major) in HWIO order.</summary>
    private static void Gather(in Conv2DGeometry g, ReadOnlySpan<float> x, int pixel, Span<float> row)
    {
        var ow = pixel % g.OutW;
        var oh = pixel / g.OutW % g.OutH;
        var n = pixel / (g.OutW * g.OutH);
        var i = 0;
        for (var kh = 0; kh < g.KH; kh++)
        {
            var ih = (oh * g.StrideH) - g.PadTop + kh;
            for (var kw = 0; kw < g.KW; kw++, i += g.InC)
            {
                var iw = (ow * g.StrideW) - g.PadLeft + kw;
                var dest = row.Slice(i, g.InC);
                if ((uint)ih >= (uint)g.InH || (uint)iw >= (uint)g.InW)
                {
                    dest.Clear();
                }
                else
                {
                    x.Slice((((n * g.InH) + ih) * g.InW + iw) * g.InC, g.InC).CopyTo(dest);
                }
            }
        }
    }
}
