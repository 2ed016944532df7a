using Mpc.Runtime.Rings;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>The model owner's float weights for <see cref="ExampleModel"/>, their fixed-point encodings, and the float plaintext forward pass.</summary>
internal sealed class PlainExample
{
    private PlainExample(double[] filter, double[] convBias, double[] dense, double[] denseBias)
    {
        Filter = filter;
        ConvBias = convBias;
        Dense = dense;
        DenseBias = denseBias;
    }

    public double[] Filter { get; }

    public double[] ConvBias { get; }

    public double[] Dense { get; }

    public double[] DenseBias { get; }

    public static PlainExample Random(int seed)
    {
        var random = new Random(seed);
        double[] Draw(int n, double bound) => [.. Enumerable.Range(0, n).Select(_ => ((2 * random.NextDouble()) - 1) * bound)];
        return new PlainExample(Draw(Conv0.FilterLength, 0.5), Draw(Conv0.BiasLength, 0.5), Draw(Dense1.WeightLength, 0.5), Draw(Dense1.Columns, 0.5));
    }

    public static double[] RandomInput(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Conv0.InputLength).Select(_ => (2 * random.NextDouble()) - 1)];
    }

    /// <summary>
    /// What the model owner shares, in the order the model loads it: weights at f fractional bits,
    /// biases at 2f (they are added before the truncation). For the average pool the divisor is folded
    /// into dense1's weights, as the compiler's pass does.
    /// </summary>
    public ulong[][] Encoded(bool averagePool)
    {
        const int F = ExampleModel.FracBits;
        var dense = averagePool ? Dense.Select(w => w / Pool0.Divisor).ToArray() : Dense;
        return
        [
            [.. Filter.Select(w => FixedPoint.Encode<ulong>(w, F))],
            [.. ConvBias.Select(b => FixedPoint.Encode<ulong>(b, 2 * F))],
            [.. dense.Select(w => FixedPoint.Encode<ulong>(w, F))],
            [.. DenseBias.Select(b => FixedPoint.Encode<ulong>(b, 2 * F))],
        ];
    }

    /// <summary>The forward pass in double precision with the given activation.</summary>
    public double[] Forward(double[] input, bool averagePool, Func<double, double> relu)
    {
        var g = Conv0.Geometry;
        var conv = new double[Conv0.OutputLength];
        for (var oy = 0; oy < g.OutH; oy++)
        {
            for (var ox = 0; ox < g.OutW; ox++)
            {
                for (var co = 0; co < g.OutC; co++)
                {
                    var sum = ConvBias[co];
                    for (var ky = 0; ky < g.KH; ky++)
                    {
                        for (var kx = 0; kx < g.KW; kx++)
                        {
                            int iy = oy + ky - g.PadTop, ix = ox + kx - g.PadLeft;
                            if (iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW)
                            {
                                continue;
                            }

                            for (var ci = 0; ci < g.InC; ci++)
                            {
                                sum += input[(((iy * g.InW) + ix) * g.InC) + ci] * Filter[(((((ky * g.KW) + kx) * g.InC) + ci) * g.OutC) + co];
                            }
                        }
                    }

                    conv[(((oy * g.OutW) + ox) * g.OutC) + co] = relu(sum);
                }
            }
        }

        var p = Pool0.Geometry;
        var pooled = new double[Pool0.OutputLength];
        for (var oy = 0; oy < p.OutH; oy++)
        {
            for (var ox = 0; ox < p.OutW; ox++)
            {
                for (var c = 0; c < p.Channels; c++)
                {
                    var window = new List<double>();
                    for (var ky = 0; ky < p.KH; ky++)
                    {
                        for (var kx = 0; kx < p.KW; kx++)
                        {
                            window.Add(conv[(((((oy * p.StrideH) + ky) * p.InW) + (ox * p.StrideW) + kx) * p.Channels) + c]);
                        }
                    }

                    pooled[(((oy * p.OutW) + ox) * p.Channels) + c] = averagePool ? window.Average() : window.Max();
                }
            }
        }

        var logits = new double[Dense1.Columns];
        for (var j = 0; j < Dense1.Columns; j++)
        {
            logits[j] = DenseBias[j];
            for (var k = 0; k < Dense1.Inner; k++)
            {
                logits[j] += pooled[k] * Dense[(k * Dense1.Columns) + j];
            }
        }

        return logits;
    }
}
