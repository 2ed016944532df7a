using System.Collections.Concurrent;
using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The input indices of every pooling window (valid positions only, padding never contributes),
/// in compressed rows: window o is <c>Indices[Starts[o]..Starts[o + 1]]</c>. Depends on the geometry
/// alone, so the helper, which holds no values, computes the same batching as the servers.
/// </summary>
internal sealed class PoolWindows
{
    private static readonly ConcurrentDictionary<PoolGeometry, PoolWindows> Cache = new();

    private PoolWindows(int[] starts, int[] indices, int maxSize)
    {
        Starts = starts;
        Indices = indices;
        MaxSize = maxSize;
    }

    public int[] Starts { get; }

    public int[] Indices { get; }

    /// <summary>The largest window (KH * KW when some window is full).</summary>
    public int MaxSize { get; }

    public ReadOnlySpan<int> Window(int output) => Indices.AsSpan(Starts[output], Starts[output + 1] - Starts[output]);

    public int Size(int output) => Starts[output + 1] - Starts[output];

    public static PoolWindows Get(in PoolGeometry g) => Cache.GetOrAdd(g, Build);

    private static PoolWindows Build(PoolGeometry g)
    {
        g.Validate();
        int outH = g.OutH, outW = g.OutW;
        var starts = new int[g.OutputLength + 1];
        var indices = new List<int>(g.OutputLength * g.KH * g.KW);
        var maxSize = 0;
        var o = 0;
        for (var b = 0; b < g.Batch; b++)
        {
            for (var oy = 0; oy < outH; oy++)
            {
                for (var ox = 0; ox < outW; ox++)
                {
                    for (var c = 0; c < g.Channels; c++)
                    {
                        starts[o] = indices.Count;
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
                                if ((uint)ix < (uint)g.InW)
                                {
                                    indices.Add((((((b * g.InH) + iy) * g.InW) + ix) * g.Channels) + c);
                                }
                            }
                        }

                        var size = indices.Count - starts[o];
                        if (size == 0)
                        {
                            throw new ArgumentException($"pooling geometry {g} has a window with no valid input");
                        }

                        maxSize = Math.Max(maxSize, size);
                        o++;
                    }
                }
            }
        }

        starts[o] = indices.Count;
        return new PoolWindows(starts, [.. indices], maxSize);
    }
}
