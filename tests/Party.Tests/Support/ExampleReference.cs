using Mpc.Compiler.Ir;

namespace Mpc.Party.Tests.Support;

/// <summary>
/// The folded example graph's forward pass in double precision, written out loop by loop (an
/// independent reference for the secure runs, with a replaceable ReLU for Pond's polynomial).
/// </summary>
internal static class ExampleReference
{
    public static double[] Forward(Graph graph, ReadOnlySpan<float> image, bool averagePool, Func<double, double> relu)
    {
        var filter = graph.ConstantValue("conv0/kernel")!;
        var convBias = graph.ConstantValue("conv0/Conv2D/bias")!;
        var dense = graph.ConstantValue(averagePool ? "logits/weights" : "dense1/kernel")!;
        var denseBias = graph.ConstantValue("logits/bias")!;
        var conv = new double[8 * 8 * 4];
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                for (var co = 0; co < 4; co++)
                {
                    double sum = convBias[co];
                    for (var ky = 0; ky < 3; ky++)
                    {
                        for (var kx = 0; kx < 3; kx++)
                        {
                            int iy = y + ky - 1, ix = x + kx - 1;
                            if (iy is < 0 or >= 8 || ix is < 0 or >= 8)
                            {
                                continue;
                            }

                            for (var ci = 0; ci < 2; ci++)
                            {
                                sum += image[(((iy * 8) + ix) * 2) + ci] * (double)filter[(((((ky * 3) + kx) * 2) + ci) * 4) + co];
                            }
                        }
                    }

                    conv[(((y * 8) + x) * 4) + co] = relu(sum);
                }
            }
        }

        var pooled = new double[4 * 4 * 4];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                for (var c = 0; c < 4; c++)
                {
                    double[] window = [.. from ky in new[] { 0, 1 } from kx in new[] { 0, 1 } select conv[(((((2 * y) + ky) * 8) + (2 * x) + kx) * 4) + c]];
                    // The folded average pool is a sum: its divisor is in the dense weights.
                    pooled[(((y * 4) + x) * 4) + c] = averagePool ? window.Sum() : window.Max();
                }
            }
        }

        var logits = new double[3];
        for (var j = 0; j < 3; j++)
        {
            logits[j] = denseBias[j];
            for (var k = 0; k < 64; k++)
            {
                logits[j] += pooled[k] * dense[(k * 3) + j];
            }
        }

        return logits;
    }
}
