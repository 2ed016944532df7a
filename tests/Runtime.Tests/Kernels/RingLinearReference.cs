using System.Numerics;
using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// Plain loops in ulong arithmetic, which wraps mod 2^64; for uint the low 32 bits of the same
/// arithmetic are the answer mod 2^32. Written independently of the kernels (no blocking, no packing).
/// </summary>
internal static class RingLinearReference
{
    public static T[] MatMul<T>(T[] a, T[] b, T[]? c0, int m, int k, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var c = new T[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = c0 is null ? 0UL : ulong.CreateTruncating(c0[(i * n) + j]);
                for (var p = 0; p < k; p++)
                {
                    sum += ulong.CreateTruncating(a[(i * k) + p]) * ulong.CreateTruncating(b[(p * n) + j]);
                }

                c[(i * n) + j] = T.CreateTruncating(sum);
            }
        }

        return c;
    }

    public static T[] Conv2D<T>(T[] input, T[] filter, T[]? output0, Conv2DGeometry g)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var output = new T[g.OutputLength];
        for (var b = 0; b < g.Batch; b++)
        {
            for (var oy = 0; oy < g.OutH; oy++)
            {
                for (var ox = 0; ox < g.OutW; ox++)
                {
                    for (var co = 0; co < g.OutC; co++)
                    {
                        var at = (((((b * g.OutH) + oy) * g.OutW) + ox) * g.OutC) + co;
                        var sum = output0 is null ? 0UL : ulong.CreateTruncating(output0[at]);
                        for (var ky = 0; ky < g.KH; ky++)
                        {
                            for (var kx = 0; kx < g.KW; kx++)
                            {
                                var iy = (oy * g.StrideH) + ky - g.PadTop;
                                var ix = (ox * g.StrideW) + kx - g.PadLeft;
                                if (iy < 0 || iy >= g.InH || ix < 0 || ix >= g.InW)
                                {
                                    continue;
                                }

                                for (var ci = 0; ci < g.InC; ci++)
                                {
                                    var x = input[(((((b * g.InH) + iy) * g.InW) + ix) * g.InC) + ci];
                                    var w = filter[(((((ky * g.KW) + kx) * g.InC) + ci) * g.OutC) + co];
                                    sum += ulong.CreateTruncating(x) * ulong.CreateTruncating(w);
                                }
                            }
                        }

                        output[at] = T.CreateTruncating(sum);
                    }
                }
            }
        }

        return output;
    }
}
