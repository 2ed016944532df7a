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
    /// <para>Security: s (uniform nonzero), u (uniform) and the rotation are common to the servers
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
            PrivateCompareCore(count, xBits, r, beta, rnd, result);
        }
    }

    private void PrivateCompareCore(int n, ReadOnlySpan<byte> xBits, ReadOnlySpan<ulong> r, ReadOnlySpan<byte> beta, CompareRandomness rnd, Span<byte> result)
    {
        using var op = Stats.Enter(operation: "private compare");
        Stats.Round();
        if (Role == PartyId.Helper)
        {
            var d0 = new byte[64 * n];
            var d1 = new byte[64 * n];
            Context.Peer(PartyId.Server0).Receive(d0);
            Context.Peer(PartyId.Server1).Receive(d1);
            for (var i = 0; i < n; i++)
            {
                byte found = 0;
                for (var k = 64 * i; k < (64 * i) + 64; k++)
                {
                    found |= Zp.Add(d0[k], d1[k]) == 0 ? (byte)1 : (byte)0;
                }

                result[i] = found;
            }

            return;
        }

        if (!HoldsShares)
        {
            return;
        }

        var d = new byte[64 * n];
        var j = Role == PartyId.Server1 ? (byte)1 : (byte)0;
        for (var i = 0; i < n; i++)
        {
            var start = 64 * i;
            var rot = rnd.Rotations[i];
            var s = rnd.Multipliers.AsSpan(start, 64);
            var u = rnd.Masks.AsSpan(start, 64);
            var x = xBits.Slice(start, 64);
            var output = d.AsSpan(start, 64);
            if (beta[i] != 0 && r[i] == ulong.MaxValue)
            {
                // x > 2^64 - 1 never holds, so beta xor 0 = 1: shares of a vector with a single zero (at bit 0).
                for (var k = 0; k < 64; k++)
                {
                    var c = j == 0 && k != 0 ? (byte)1 : (byte)0;
                    output[(k + rot) & 63] = Mask(Zp.Mul(s[k], c), u[k], j);
                }

                continue;
            }

            var t = beta[i] == 0 ? r[i] : r[i] + 1;
            byte higher = 0;
            for (var k = 63; k >= 0; k--)
            {
                var tk = (byte)((t >> k) & 1);
                var xk = x[k];
                // Share of t_k - x_k + 1 (beta = 0) or x_k - t_k + 1 (beta = 1); public terms on server1 only.
                var c = beta[i] == 0
                    ? Zp.Sub((byte)(j * (tk + 1)), xk)
                    : Zp.Add(xk, (byte)(j * (1 - tk)));
                c = Zp.Add(c, higher);
                // Share of x_k xor t_k = x_k + t_k - 2 t_k x_k: x_k if t_k = 0, else 1 - x_k.
                higher = Zp.Add(higher, tk == 0 ? xk : Zp.Sub(j, xk));
                output[(k + rot) & 63] = Mask(Zp.Mul(s[k], c), u[k], j);
            }
        }

        Context.Peer(PartyId.Helper).Send(d);
    }

    private static byte Mask(byte value, byte u, byte j) => j == 0 ? Zp.Add(value, u) : Zp.Sub(value, u);

    /// <summary>
    /// The helper gives the servers shares of bits it knows: it sends the packed bits b xor c to both
    /// servers, c being mask bits dealt offline (<see cref="BitMasks"/>). One round, n/8 bytes (rounded
    /// up to 8) to each server. Security: c is uniform and known only to the helper, so b xor c is a
    /// one-time pad of b. Servers get the opened packed bits in <paramref name="opened"/>.
    /// </summary>
    private void SendMaskedBits(int n, ReadOnlySpan<byte> bits, BitMasks masks, Span<ulong> opened)
    {
        var packed = Role == PartyId.Helper ? new ulong[BitPacking.PackedLength(n)] : [];
        if (Role == PartyId.Helper)
        {
            BitPacking.Pack(bits, packed);
        }

        SendMaskedPackedBits(packed, masks, opened);
    }

    /// <summary>As <see cref="SendMaskedBits"/> for bits the helper already holds packed (overwritten with the masked bits).</summary>
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
            shares[i] = ((opened[i >> 6] >> (i & 63)) & 1) == 0 ? maskShares[i] : j - maskShares[i];
        }
    }

    /// <summary>As <see cref="OpenedBitsToRing"/> over Z_(2^64 - 1).</summary>
    private void OpenedBitsToOdd(ReadOnlySpan<ulong> opened, ReadOnlySpan<ulong> maskShares, Span<ulong> shares)
    {
        var j = Role == PartyId.Server1 ? 1UL : 0UL;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = ((opened[i >> 6] >> (i & 63)) & 1) == 0 ? maskShares[i] : OddRing.Sub(j, maskShares[i]);
        }
    }

    /// <summary>As <see cref="OpenedBitsToRing"/> over Z_67.</summary>
    private void OpenedBitsToPrime(ReadOnlySpan<ulong> opened, ReadOnlySpan<byte> maskShares, Span<byte> shares)
    {
        var j = Role == PartyId.Server1 ? (byte)1 : (byte)0;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = ((opened[i >> 6] >> (i & 63)) & 1) == 0 ? maskShares[i] : Zp.Sub(j, maskShares[i]);
        }
    }
}
