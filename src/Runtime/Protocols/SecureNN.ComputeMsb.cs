using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public sealed partial class SecureNN
{
    /// <summary>
    /// ComputeMSB (SecureNN Algorithm 5): from Z_(2^64 - 1) shares of y (<paramref name="y"/>) to
    /// Z_2^64 shares of msb(y) = [y &gt;= 2^63] (<paramref name="msb"/>). n elements on servers, none on the helper.
    /// </summary>
    /// <remarks>
    /// <para>In the odd ring, msb(y) = lsb(2y). The helper's uniform x (offline: one PRG share per
    /// server, so never sent; Z_67 shares of its bits and Z_2^64 shares of its LSB are dealt) masks
    /// 2y: the servers open r = 2y + x, and 2y + x wraps the odd modulus exactly when x &gt; r, so
    /// lsb(2y) = lsb(r) xor lsb(x) xor (x &gt; r). PrivateCompare gives the helper
    /// beta' = beta xor (x &gt; r), it gives the servers shares of beta', and the servers form
    /// gamma = beta xor beta' and delta = lsb(x) xor lsb(r) locally and msb = gamma + delta - 2 gamma delta
    /// with one Beaver product.</para>
    /// <para>Rounds: 4 (open r, PrivateCompare, helper to servers, Beaver). Online bytes per element:
    /// each server sends 8 + 64 + 16; the helper sends each server 1 bit (packed). Offline: 88 bytes
    /// to server1 (64 Z_67 bit shares, the LSB share, the beta' mask share, the triple's C_1).</para>
    /// <para>Security: x is uniform and unknown to either server alone, so r hides y; the helper's
    /// PrivateCompare view depends on beta' alone, which beta (servers' common bit) makes uniform;
    /// beta' reaches the servers one-time-padded; the Beaver step is masked as in <see cref="Protocol.Mul"/>.</para>
    /// </remarks>
    public void ComputeMsb(int count, ReadOnlySpan<ulong> y, Span<ulong> msb)
    {
        Check(count, y, nameof(y));
        Check(count, msb, nameof(msb));
        using var op = Stats.Enter(operation: "compute msb");
        if (TryAcquire("compute msb", d => d.Msb(count), out var m))
        {
            ComputeMsbCore(count, y, msb, m);
        }
    }

    private void ComputeMsbCore(int n, ReadOnlySpan<ulong> y, Span<ulong> msb, MsbMaterial m)
    {
        using var op = Stats.Enter(operation: "compute msb");
        var isHelper = Role == PartyId.Helper;

        // Round 1: open r = 2y + x (odd ring).
        Stats.Round();
        var r = Scratch<ulong>(n, !isHelper);
        if (!isHelper)
        {
            var mine = Scratch<ulong>(n);
            for (var i = 0; i < n; i++)
            {
                mine[i] = OddRing.Add(OddRing.Double(y[i]), m.X[i]);
            }

            ExchangeWithServer(mine, r);
            for (var i = 0; i < n; i++)
            {
                r[i] = OddRing.Add(mine[i], r[i]);
            }

            Release(mine);
        }

        // Round 2: PrivateCompare(x, r, beta): the helper learns beta' = beta xor (x > r).
        var betaPrime = Scratch<ulong>(BitPacking.PackedLength(n), isHelper);
        PrivateCompareCore(n, m.XBits, [], r, m.Beta, m.Compare, betaPrime);

        // Round 3: shares of beta' (Z_2^64).
        Stats.Round();
        var opened = Scratch<ulong>(BitPacking.PackedLength(n), !isHelper);
        SendMaskedPackedBits(betaPrime, m.BetaPrime, opened);
        var gamma = Scratch<ulong>(n, !isHelper);
        var delta = Scratch<ulong>(n, !isHelper);
        if (!isHelper)
        {
            OpenedBitsToRing(opened, m.BetaPrime.RingShares, gamma);
            var j = Role == PartyId.Server1 ? 1UL : 0UL;
            for (var i = 0; i < n; i++)
            {
                // Branchless (beta and the bits of r are uniform): flip a shared bit b to j - b.
                var g = gamma[i];
                gamma[i] = g + (m.Beta[i] * (j - (2 * g)));
                var l = m.XLsb[i];
                delta[i] = l + ((r[i] & 1) * (j - (2 * l)));
            }
        }

        // Round 4: theta = gamma * delta; msb = gamma xor delta = gamma + delta - 2 theta.
        var theta = Scratch<ulong>(n, !isHelper);
        MulCore(n, gamma, delta, theta, m.Triple);
        if (!isHelper)
        {
            for (var i = 0; i < n; i++)
            {
                msb[i] = gamma[i] + delta[i] - (2 * theta[i]);
            }
        }

        Release(r, betaPrime, opened, gamma, delta, theta);
    }
}
