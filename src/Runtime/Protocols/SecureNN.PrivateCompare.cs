using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public sealed partial class SecureNN
{
    /// <summary>
    /// PrivateCompare (SecureNN Algorithm 3): the servers hold Z_67 shares of the 64 bits of a value x
    /// (<paramref name="xBits"/>, bit k of value i at <c>64 i + k</c>), a common public r and a common
    /// random bit beta; the helper learns <paramref name="result"/> = beta xor (x &gt; r) and nothing
    /// else. Servers pass 64n, n and n elements and an empty result; the helper the reverse.
    /// </summary>
    /// <remarks>
    /// <para>For each bit i from the top, server j forms a share of
    /// c_i = r_i - x_i + 1 + sum_{k &gt; i} (x_k xor r_k) (beta = 0; with t = r + 1 and the signs
    /// swapped for beta = 1, which tests x &lt;= r), an integer in [0, 65] that is zero for exactly one
    /// i if the comparison holds and for none otherwise; for beta = 1 and r = 2^64 - 1 (where t
    /// wraps) the answer is known to be 1 and c is a fixed vector with one zero. Server j sends the
    /// helper d = rotate(s * c^(j) + (-1)^j u), 64 bytes per value.</para>
    /// <para>Rounds: 1. Bytes: each server sends 64n (Z_67 in bytes); the helper sends nothing.</para>
    /// <para>Security: s (uniform in Z_67^*, drawn as 2^e for a uniform exponent e), u (uniform) and the rotation are common to the servers
    /// (server0-server1 PRG) and unknown to the helper. u makes each server's message uniform on its
    /// own (without it the helper, who dealt the bit shares, could divide d^(0) by d^(1) and read c).
    /// The sum s * c_i is 0 where c_i is and uniform in Z_67^* elsewhere, independently per position,
    /// so the only structure left is the position of the single zero, which would reveal the first
    /// bit where x and r differ: a uniform rotation makes that position uniform, which with the other
    /// positions i.i.d. is the same view as a uniformly random permutation of all 64 (TF Encrypted left
    /// the permutation out). The helper's view is then a function of the output bit alone, and beta
    /// makes that bit uniform.</para>
    /// </remarks>
    public void PrivateCompare(int count, ReadOnlySpan<byte> xBits, ReadOnlySpan<ulong> r, ReadOnlySpan<byte> beta, Span<byte> result)
    {
        Check(64 * count, xBits, nameof(xBits));
        Check(count, r, nameof(r));
        Check(count, beta, nameof(beta));
        var helperExpects = Role == PartyId.Helper && Mode != ExecutionMode.Offline ? count : 0;
        if (result.Length != helperExpects)
        {
            throw new ArgumentException($"{Name} on {Role.ToName()}: result has {result.Length} elements, expected {helperExpects} (only the helper learns it)", nameof(result));
        }

        using var op = Stats.Enter(operation: "private compare");
        if (TryAcquire("private compare", d => d.Compare(count), out var rnd))
        {
            var packed = Role == PartyId.Helper ? new ulong[BitPacking.PackedLength(count)] : [];
            PrivateCompareCore(count, xBits, [], r, beta, rnd, packed);
            if (result.Length > 0)
            {
                BitPacking.Unpack(packed, result);
            }
        }
    }

    /// <summary>
    /// PrivateCompare on bit shares b (64 per value) opened by <paramref name="flips"/> (the share of
    /// bit k of value i is b or j - b as bit k of flips[i] is 0 or 1; empty flips: all 0), so that
    /// ShareConvert needs no pass turning the helper's masked bits into Z_67 shares first. The helper
    /// gets the results packed in <paramref name="packedResult"/>; servers pass an empty span.
    /// </summary>
    private void PrivateCompareCore(int n, ReadOnlySpan<byte> bitShares, ReadOnlySpan<ulong> flips, ReadOnlySpan<ulong> r, ReadOnlySpan<byte> beta, CompareRandomness rnd, Span<ulong> packedResult)
    {
        using var op = Stats.Enter(operation: "private compare");
        Stats.Round();
        if (Role == PartyId.Helper)
        {
            var d0 = Context.Recycler.Rent<byte>(64 * n);
            var d1 = Context.Recycler.Rent<byte>(64 * n);
            Context.Peer(PartyId.Server0).Receive(d0);
            Context.Peer(PartyId.Server1).Receive(d1);
            Z67Kernels.FindZeros(n, d0, d1, packedResult);
            Context.Recycler.Return(d0);
            Context.Recycler.Return(d1);
            return;
        }

        if (!HoldsShares)
        {
            return;
        }

        var d = Context.Recycler.Rent<byte>(64 * n);
        Z67Kernels.CompareMessages(n, bitShares, flips, r, beta, Role == PartyId.Server1, rnd, d);
        Context.Peer(PartyId.Helper).Send(d);
        Context.Recycler.Return(d);
    }

    /// <summary>
    /// The helper gives the servers shares of bits b it knows, held packed in <paramref name="packed"/>
    /// (overwritten with the masked bits): it sends the packed bits b xor c to both servers, c being
    /// mask bits dealt offline (<see cref="BitMasks"/>). One round, n/8 bytes (rounded up to 8) to each
    /// server. Security: c is uniform and known only to the helper, so b xor c is a one-time pad of b.
    /// Servers get the opened packed bits in <paramref name="opened"/>.
    /// </summary>
    private void SendMaskedPackedBits(Span<ulong> packed, BitMasks masks, Span<ulong> opened)
    {
        if (Role == PartyId.Helper)
        {
            RingOps.Xor(packed, masks.PackedMask, packed);
            Context.Peer(PartyId.Server0).Send(packed);
            Context.Peer(PartyId.Server1).Send(packed);
        }
        else if (HoldsShares)
        {
            Context.Peer(PartyId.Helper).Receive(opened);
        }
    }

    /// <summary>b = m + c - 2mc with m public: server j's Z_2^64 share is c_j if m = 0, else j - c_j.</summary>
    private void OpenedBitsToRing(ReadOnlySpan<ulong> opened, ReadOnlySpan<ulong> maskShares, Span<ulong> shares)
    {
        var j = Role == PartyId.Server1 ? 1UL : 0UL;
        for (var i = 0; i < shares.Length; i++)
        {
            // Branchless (the opened bits are uniform): c + m (j - 2c).
            var m = (opened[i >> 6] >> (i & 63)) & 1;
            shares[i] = maskShares[i] + (m * (j - (2 * maskShares[i])));
        }
    }

    /// <summary>As <see cref="OpenedBitsToRing"/> over Z_(2^64 - 1).</summary>
    private void OpenedBitsToOdd(ReadOnlySpan<ulong> opened, ReadOnlySpan<ulong> maskShares, Span<ulong> shares)
    {
        var j = Role == PartyId.Server1 ? 1UL : 0UL;
        for (var i = 0; i < shares.Length; i++)
        {
            var select = 0UL - ((opened[i >> 6] >> (i & 63)) & 1);
            shares[i] = (maskShares[i] & ~select) | (OddRing.Sub(j, maskShares[i]) & select);
        }
    }
}
