using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>
    /// Elementwise Beaver multiplication with a helper-dealt triple (A, B, C = A * B): the servers
    /// open D = X - A and E = Y - B and compute Z_j = C_j + D * B_j + E * A_j (+ D * E on server1).
    /// z may be the same span as x or y.
    /// </summary>
    /// <remarks>
    /// Offline: the helper sends server1 C_1 (8n bytes, 1 round); A_j, B_j, C_0 come from the PRGs.
    /// Online: 1 round; each server sends 16n bytes (D_j and E_j in one frame); the helper nothing.
    /// Security: A and B are uniform and each server knows one share of each, so D and E are one-time
    /// pads of X and Y; C_j is uniform, so Z_j reveals nothing either.
    /// </remarks>
    private protected void MulCore(int count, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> z, TripleMaterial t)
    {
        Stats.Round();
        if (!HoldsShares)
        {
            return;
        }

        var mine = Scratch<ulong>(2 * count);
        var theirs = Scratch<ulong>(2 * count);
        var d = mine.AsSpan(0, count);
        var e = mine.AsSpan(count, count);
        RingOps.Sub(x, t.A, d);
        RingOps.Sub(y, t.B, e);
        ExchangeWithServer(mine, theirs);
        RingOps.Add(d, theirs.AsSpan(0, count), d);
        RingOps.Add(e, theirs.AsSpan(count, count), e);
        var server1 = Role == PartyId.Server1;
        for (var i = 0; i < count; i++)
        {
            var v = t.C[i] + (d[i] * t.B[i]) + (e[i] * t.A[i]);
            z[i] = server1 ? v + (d[i] * e[i]) : v;
        }

        Release(mine, theirs);
    }
}
