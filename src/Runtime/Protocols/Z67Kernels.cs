using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The Z_67 work of SecureNN's PrivateCompare, one 64-byte vector per 64-bit value (lane k holds bit
/// k's element), so that a value's 64 bits are one AVX-512 register: bit masks come from the word
/// by one byte permute, the suffix sums are six permute-and-add steps, the multiplication by s is
/// two 128-entry table lookups (discrete log and exponent, <c>vpermi2b</c>), and the rotation is one
/// permute. Every Z_67 element stays in [0, 66]; a sum of two is reduced by min(v, v - 67) on
/// unsigned bytes. Without AVX-512 VBMI the scalar loops compute the same bytes.
/// </summary>
/// <remarks>
/// These kernels live under Protocols (not Kernels) because they are SecureNN-specific; they are
/// written for the share layout PrivateCompare uses (bit k of value i at <c>64 i + k</c>).
/// Multipliers are held as exponents e in [0, 66) of the generator 2 (s = 2^e): a uniform exponent
/// is a uniform element of Z_67^*, since 2 generates that cyclic group of order 66.
/// </remarks>
internal static class Z67Kernels
{
    /// <summary>A generator of Z_67^* (2 has order 66 mod 67).</summary>
    public const byte Generator = 2;

    /// <summary>The order of Z_67^*: exponents are in [0, 66).</summary>
    public const int Order = Zp.P - 1;

    // log[c] for c in [1, 66] (log[0] is never used: products with 0 are masked), exp[e] = 2^e for e in [0, 66).
    private static readonly byte[] Log = BuildLog();
    private static readonly byte[] Exp = BuildExp();

    /// <summary>True when the AVX-512 paths run (VBMI byte permutes and BW byte arithmetic).</summary>
    public static bool IsVectorized => Avx512Vbmi.IsSupported && Avx512BW.IsSupported;

    /// <summary>c * 2^e in Z_67.</summary>
    public static byte MulByExponent(byte c, byte e) => c == 0 ? (byte)0 : Exp[(Log[c] + e) % Order];

    /// <summary>
    /// A server's PrivateCompare messages for n values: for value i, with x_k = (flip_k ? j - b_k : b_k)
    /// its share of bit k (<paramref name="bitShares"/> holds b, <paramref name="flips"/> the public
    /// packed bits m by which the helper's masks were opened, or is empty for m = 0) and t = r + beta,
    /// c_k = j (t_k + 1) - x_k + H_k (beta = 0) or x_k + j (1 - t_k) + H_k (beta = 1), where H_k is
    /// the share of sum_{m &gt; k} (x_m xor t_m); then d[(k + rho) mod 64] = 2^e_k c_k + (-1)^j u_k.
    /// For beta = 1 and r = 2^64 - 1 the comparison is known (x &gt; r never holds) and c is the fixed
    /// vector with a single zero at bit 0. <paramref name="scalar"/> forces the scalar reference
    /// (machines without AVX-512 VBMI take it anyway; tests compare the two).
    /// </summary>
    public static void CompareMessages(
        int n,
        ReadOnlySpan<byte> bitShares,
        ReadOnlySpan<ulong> flips,
        ReadOnlySpan<ulong> r,
        ReadOnlySpan<byte> beta,
        bool server1,
        CompareRandomness rnd,
        Span<byte> d,
        bool scalar = false)
    {
        if (bitShares.Length < 64 * n || r.Length < n || beta.Length < n || d.Length < 64 * n || (flips.Length != 0 && flips.Length < n)
            || rnd.Multipliers.Length < 64 * n || rnd.Masks.Length < 64 * n || rnd.Rotations.Length < n)
        {
            throw new ArgumentException($"PrivateCompare of {n} values: a buffer is too short");
        }

        if (IsVectorized && !scalar)
        {
            CompareMessagesVector(n, bitShares, flips, r, beta, server1, rnd, d);
            return;
        }

        for (var i = 0; i < n; i++)
        {
            CompareMessageScalar(i, bitShares, flips.IsEmpty ? 0 : flips[i], r[i], beta[i], server1, rnd, d);
        }
    }

    /// <summary>The helper's side: bit i of <paramref name="packed"/> is 1 iff d0 + d1 has a zero among value i's 64 entries.</summary>
    public static void FindZeros(int n, ReadOnlySpan<byte> d0, ReadOnlySpan<byte> d1, Span<ulong> packed)
    {
        if (d0.Length < 64 * n || d1.Length < 64 * n || packed.Length < (n + 63) >> 6)
        {
            throw new ArgumentException($"PrivateCompare of {n} values: a buffer is too short");
        }

        packed[..((n + 63) >> 6)].Clear();
        if (IsVectorized)
        {
            ref var a = ref MemoryMarshal.GetReference(d0);
            ref var b = ref MemoryMarshal.GetReference(d1);
            var p = Vector512.Create((byte)Zp.P);
            for (var i = 0; i < n; i++)
            {
                var s = Vector512.LoadUnsafe(ref a, (nuint)(64 * i)) + Vector512.LoadUnsafe(ref b, (nuint)(64 * i));
                s = Vector512.Min(s, s - p);
                var found = Vector512.EqualsAny(s, Vector512<byte>.Zero);
                packed[i >> 6] |= (ulong)Unsafe.BitCast<bool, byte>(found) << (i & 63);
            }

            return;
        }

        for (var i = 0; i < n; i++)
        {
            var found = 0UL;
            for (var k = 64 * i; k < (64 * i) + 64; k++)
            {
                found |= Zp.Add(d0[k], d1[k]) == 0 ? 1UL : 0UL;
            }

            packed[i >> 6] |= found << (i & 63);
        }
    }

    /// <summary>
    /// The helper's corrections when it deals Z_67 shares of packed bits: <paramref name="draws"/>[k]
    /// (server0's share, drawn from their common stream) becomes bit_k - draws[k], server1's share.
    /// </summary>
    public static void BitsMinusDraws(ReadOnlySpan<ulong> packedBits, Span<byte> draws)
    {
        var n = draws.Length;
        var k = 0;
        if (IsVectorized)
        {
            ref var dst = ref MemoryMarshal.GetReference(draws);
            var one = Vector512<byte>.One;
            var p = Vector512.Create((byte)Zp.P);
            var lanes = new BitLanes();
            for (; k + 64 <= n; k += 64)
            {
                var bits = BitMask(packedBits[k >> 6], lanes) & one;
                var v = bits - Vector512.LoadUnsafe(ref dst, (nuint)k);
                Vector512.Min(v, v + p).StoreUnsafe(ref dst, (nuint)k);
            }
        }

        for (; k < n; k++)
        {
            draws[k] = Zp.Sub((byte)((packedBits[k >> 6] >> (k & 63)) & 1), draws[k]);
        }
    }

    private static void CompareMessagesVector(int n, ReadOnlySpan<byte> bitShares, ReadOnlySpan<ulong> flips, ReadOnlySpan<ulong> r, ReadOnlySpan<byte> beta, bool server1, CompareRandomness rnd, Span<byte> d)
    {
        var zero = Vector512<byte>.Zero;
        var p = Vector512.Create((byte)Zp.P);
        var order = Vector512.Create((byte)Order);
        var j = Vector512.Create(server1 ? (byte)1 : (byte)0);
        var iota = Vector512<byte>.Indices;
        var lane63 = Vector512.Create((byte)63);
        var logLo = Vector512.Create(Log.AsSpan(0, 64));
        var logHi = Vector512.Create(Log.AsSpan(64, 64));
        var expLo = Vector512.Create(Exp.AsSpan(0, 64));
        var expHi = Vector512.Create(Exp.AsSpan(64, 64));
        var lanes = new BitLanes();
        var one = Vector512<byte>.One;
        var shift1 = Vector512<byte>.Indices + one;
        var shift2 = Vector512<byte>.Indices + Vector512.Create((byte)2);
        var shift4 = Vector512<byte>.Indices + Vector512.Create((byte)4);
        var shift8 = Vector512<byte>.Indices + Vector512.Create((byte)8);
        var shift16 = Vector512<byte>.Indices + Vector512.Create((byte)16);
        var shift32 = Vector512<byte>.Indices + Vector512.Create((byte)32);
        ref var shares = ref MemoryMarshal.GetReference(bitShares);
        ref var exponents = ref MemoryMarshal.GetReference(rnd.Multipliers.AsSpan());
        ref var masks = ref MemoryMarshal.GetReference(rnd.Masks.AsSpan());
        ref var output = ref MemoryMarshal.GetReference(d);
        for (var i = 0; i < n; i++)
        {
            var ri = r[i];
            var bi = beta[i];
            if (bi != 0 && ri == ulong.MaxValue)
            {
                CompareMessageScalar(i, bitShares, 0, ri, bi, server1, rnd, d);
                continue;
            }

            var t = ri + bi;
            var m = flips.IsEmpty ? 0UL : flips[i];
            var offset = (nuint)(64 * i);
            var b = Vector512.LoadUnsafe(ref shares, offset);
            var jMinusB = SubMod(j, b, p);
            var x = Vector512.ConditionalSelect(BitMask(m, lanes), jMinusB, b);

            // Share of x_k xor t_k is b_k or j - b_k depending on (m xor t)_k; H_k sums it over the bits above k.
            // Lanes shifted down by s, zero above: vpermt2b with a zero second table.
            var h = Vector512.ConditionalSelect(BitMask(m ^ t, lanes), jMinusB, b);
            h = Avx512Vbmi.PermuteVar64x8x2(h, shift1, zero);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift1, zero), p);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift2, zero), p);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift4, zero), p);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift8, zero), p);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift16, zero), p);
            h = AddMod(h, Avx512Vbmi.PermuteVar64x8x2(h, shift32, zero), p);

            // beta = 0: j (t_k + 1) - x_k + H_k; beta = 1: x_k + j (1 - t_k) + H_k. Selected without a branch.
            var tMask = BitMask(t, lanes);
            var betaMask = Vector512.Create((byte)(0 - bi));
            var pub = Vector512.ConditionalSelect(betaMask, Vector512.AndNot(j, tMask), j + (tMask & j));
            var signedX = Vector512.ConditionalSelect(betaMask, x, SubMod(zero, x, p));
            var c = AddMod(AddMod(pub, h, p), signedX, p);

            // 2^e c: log, add exponents mod 66, exp; zero stays zero.
            var e = Avx512Vbmi.PermuteVar64x8x2(logLo, c, logHi) + Vector512.LoadUnsafe(ref exponents, offset);
            e = Vector512.Min(e, e - order);
            var product = Vector512.AndNot(Avx512Vbmi.PermuteVar64x8x2(expLo, e, expHi), Vector512.Equals(c, zero));
            var u = Vector512.LoadUnsafe(ref masks, offset);
            var masked = server1 ? SubMod(product, u, p) : AddMod(product, u, p);

            // d[(k + rho) mod 64] = masked[k]: output lane q takes lane (q - rho) mod 64.
            var rotation = (iota - Vector512.Create(rnd.Rotations[i])) & lane63;
            Avx512Vbmi.PermuteVar64x8(masked, rotation).StoreUnsafe(ref output, offset);
        }
    }

    private static void CompareMessageScalar(int i, ReadOnlySpan<byte> bitShares, ulong flip, ulong r, byte beta, bool server1, CompareRandomness rnd, Span<byte> d)
    {
        var start = 64 * i;
        var rot = rnd.Rotations[i];
        var e = rnd.Multipliers.AsSpan(start, 64);
        var u = rnd.Masks.AsSpan(start, 64);
        var output = d.Slice(start, 64);
        var j = server1 ? (byte)1 : (byte)0;
        if (beta != 0 && r == ulong.MaxValue)
        {
            // x > 2^64 - 1 never holds, so beta xor 0 = 1: shares of a vector with a single zero (at bit 0).
            for (var k = 0; k < 64; k++)
            {
                var c = j == 0 && k != 0 ? (byte)1 : (byte)0;
                output[(k + rot) & 63] = Mask(MulByExponent(c, e[k]), u[k], j);
            }

            return;
        }

        var t = r + beta;
        byte higher = 0;
        for (var k = 63; k >= 0; k--)
        {
            var tk = (byte)((t >> k) & 1);
            var bk = bitShares[start + k];
            var xk = ((flip >> k) & 1) == 0 ? bk : Zp.Sub(j, bk);
            // Share of t_k - x_k + 1 (beta = 0) or x_k - t_k + 1 (beta = 1); public terms on server1 only.
            var c = beta == 0
                ? Zp.Sub((byte)(j * (tk + 1)), xk)
                : Zp.Add(xk, (byte)(j * (1 - tk)));
            c = Zp.Add(c, higher);
            // Share of x_k xor t_k = x_k + t_k - 2 t_k x_k: x_k if t_k = 0, else j - x_k.
            higher = Zp.Add(higher, tk == 0 ? xk : Zp.Sub(j, xk));
            output[(k + rot) & 63] = Mask(MulByExponent(c, e[k]), u[k], j);
        }
    }

    private static byte Mask(byte value, byte u, byte j) => j == 0 ? Zp.Add(value, u) : Zp.Sub(value, u);

    /// <summary>Lane k is 0xFF where bit k of <paramref name="word"/> is set, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> BitMask(ulong word, in BitLanes lanes)
    {
        var spread = Avx512Vbmi.PermuteVar64x8(Vector512.Create(word).AsByte(), lanes.ByteOfLane);
        return Vector512.Equals(spread & lanes.BitOfLane, lanes.BitOfLane);
    }

    /// <summary>Lane k takes byte k / 8 of a word and tests bit k % 8 of it.</summary>
    private readonly struct BitLanes
    {
        public BitLanes()
        {
            ByteOfLane = Vector512.ShiftRightLogical(Vector512<byte>.Indices, 3);
            var bit = Vector512<byte>.Indices & Vector512.Create((byte)7);
            // 1 << (k % 8) per lane, from a lookup of the eight powers.
            BitOfLane = Avx512Vbmi.PermuteVar64x8(Vector512.Create(1UL | (2UL << 8) | (4UL << 16) | (8UL << 24) | (16UL << 32) | (32UL << 40) | (64UL << 48) | (128UL << 56)).AsByte(), bit);
        }

        public Vector512<byte> ByteOfLane { get; }

        public Vector512<byte> BitOfLane { get; }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> AddMod(Vector512<byte> a, Vector512<byte> b, Vector512<byte> p)
    {
        var s = a + b;
        return Vector512.Min(s, s - p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> SubMod(Vector512<byte> a, Vector512<byte> b, Vector512<byte> p)
    {
        var s = a - b;
        return Vector512.Min(s, s + p);
    }

    private static byte[] BuildExp()
    {
        var exp = new byte[128];
        var v = 1;
        for (var e = 0; e < Order; e++)
        {
            exp[e] = (byte)v;
            v = v * Generator % Zp.P;
        }

        return exp;
    }

    private static byte[] BuildLog()
    {
        var log = new byte[128];
        var exp = BuildExp();
        for (var e = 0; e < Order; e++)
        {
            log[exp[e]] = (byte)e;
        }

        return log;
    }
}
