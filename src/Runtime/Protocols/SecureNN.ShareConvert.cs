using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public sealed partial class SecureNN
{
    /// <summary>
    /// ShareConvert (SecureNN Algorithm 4): turns Z_2^64 shares of a into Z_(2^64 - 1) shares of the
    /// same value, for any a except 2^64 - 1 (which has no counterpart below the odd modulus; DReLU
    /// only converts even values). Both spans hold n elements on servers, none on the helper.
    /// </summary>
    /// <remarks>
    /// <para>With a_0 + a_1 = a + theta L over the integers, a_0 + a_1 - theta is a Z_(L-1) sharing
    /// of a (L = 1 mod L-1), so the protocol computes shares of the wrap theta. The servers share a
    /// uniform nonzero r = r_0 + r_1 (alpha = wrap(r_0, r_1)), both knowing r; server j sends the helper
    /// a~_j = a_j + r_j (beta_j = its wrap). The helper reconstructs x = a + r, learns
    /// delta = wrap(a~_0, a~_1) and gives the servers Z_67 shares of the bits of x and odd-ring
    /// shares of delta; PrivateCompare tells it eta' = eta'' xor (x &gt; r - 1) = eta'' xor (x &gt;= r)
    /// and it gives them shares of eta'. Then eta = eta' xor eta'' = [x &gt;= r] and
    /// theta = beta_0 + beta_1 + delta - alpha - 1 + eta, since a + r wraps exactly when x &lt; r.</para>
    /// <para>Rounds: 4 (servers to helper, helper to servers, PrivateCompare, helper to servers).
    /// Online bytes per element: each server sends 8 + 64; the helper sends each server 65 bits
    /// (the masked bits of x and delta) and then 1 bit (eta'), packed. Offline: 80 bytes to server1
    /// (Z_67 shares of 64 mask bits, odd-ring shares of 2 more).</para>
    /// <para>Security: the helper sees a~_0, a~_1, a uniform pair (r_0, r_1 uniform and unknown to
    /// it), so x hides a; its PrivateCompare view depends only on eta', which eta'' makes uniform.
    /// The servers see only bits one-time-padded by the helper's mask bits.</para>
    /// </remarks>
    public void ShareConvert(int count, ReadOnlySpan<ulong> a, Span<ulong> y)
    {
        Check(count, a, nameof(a));
        Check(count, y, nameof(y));
        using var op = Stats.Enter(operation: "share convert");
        if (TryAcquire("share convert", d => d.ShareConvert(count), out var m))
        {
            ShareConvertCore(count, a, y, m);
        }
    }

    private void ShareConvertCore(int n, ReadOnlySpan<ulong> a, Span<ulong> y, ShareConvertMaterial m)
    {
        using var op = Stats.Enter(operation: "share convert");
        var isHelper = Role == PartyId.Helper;

        // Round 1: masked shares to the helper.
        Stats.Round();
        var wraps = Scratch<byte>(n, !isHelper);
        ulong[] x = [];
        ulong[] deltaBits = [];
        if (isHelper)
        {
            var t0 = Scratch<ulong>(n);
            var t1 = Scratch<ulong>(n);
            Context.Peer(PartyId.Server0).Receive(t0);
            Context.Peer(PartyId.Server1).Receive(t1);
            // x itself is the packed form of its 64 bits (bit k of value i is packed bit 64 i + k).
            x = t1;
            deltaBits = Scratch<ulong>(BitPacking.PackedLength(n));
            deltaBits.AsSpan().Clear();
            for (var i = 0; i < n; i++)
            {
                var v = t0[i] + t1[i];
                x[i] = v;
                deltaBits[i >> 6] |= (v < t0[i] ? 1UL : 0UL) << (i & 63);
            }

            Release(t0);
        }
        else
        {
            var masked = Scratch<ulong>(n);
            for (var i = 0; i < n; i++)
            {
                masked[i] = a[i] + m.RShare[i];
                wraps[i] = masked[i] < a[i] ? (byte)1 : (byte)0;
            }

            Context.Peer(PartyId.Helper).Send(masked);
            Release(masked);
        }

        // Round 2: the helper gives the servers shares of the bits of x (Z_67) and of delta (odd ring).
        Stats.Round();
        var openedBits = Scratch<ulong>(n, !isHelper);
        var openedDelta = Scratch<ulong>(BitPacking.PackedLength(n), !isHelper);
        SendMaskedPackedBits(x, m.XBits, openedBits);
        SendMaskedPackedBits(deltaBits, m.Delta, openedDelta);
        var delta = Scratch<ulong>(n, !isHelper);
        var thresholds = Scratch<ulong>(n, !isHelper);
        if (!isHelper)
        {
            OpenedBitsToOdd(openedDelta, m.Delta.RingShares, delta);
            for (var i = 0; i < n; i++)
            {
                thresholds[i] = m.R[i] - 1;
            }
        }

        // Round 3: PrivateCompare(x, r - 1, eta''): the helper learns eta' = eta'' xor [x >= r]. The
        // servers' Z_67 shares of the bits of x are their mask shares opened by the masked bits.
        var etaPrime = Scratch<ulong>(BitPacking.PackedLength(n), isHelper);
        PrivateCompareCore(n, m.XBits.PrimeShares, openedBits, thresholds, m.EtaCommon, m.Compare, etaPrime);

        // Round 4: shares of eta' (odd ring).
        Stats.Round();
        var openedEta = Scratch<ulong>(BitPacking.PackedLength(n), !isHelper);
        SendMaskedPackedBits(etaPrime, m.EtaPrime, openedEta);
        Release(x, deltaBits, etaPrime, openedBits, openedDelta, thresholds, openedEta);
        if (isHelper)
        {
            return;
        }

        var eta = Scratch<ulong>(n);
        OpenedBitsToOdd(openedEta, m.EtaPrime.RingShares, eta);
        var server1 = Role == PartyId.Server1;
        var j = server1 ? 1UL : 0UL;
        for (var i = 0; i < n; i++)
        {
            // eta = eta' xor eta'': flip the shared bit when the common eta'' is 1 (branchless: eta'' is uniform).
            var flip = 0UL - m.EtaCommon[i];
            var etaShare = (eta[i] & ~flip) | (OddRing.Sub(j, eta[i]) & flip);
            var theta = OddRing.Add(OddRing.Add(wraps[i], delta[i]), etaShare);
            if (server1)
            {
                theta = OddRing.Sub(theta, m.Alpha[i] + 1UL);
            }

            y[i] = OddRing.Sub(OddRing.Reduce(a[i]), theta);
        }

        Release(eta, delta);
        Release(wraps);
    }
}
