using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Mpc.Runtime.Crypto;
using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Uniform samples from an <see cref="AesPrg"/> stream over the sets the protocols need.
/// Every sampler is a deterministic function of the stream and the destination length, so two
/// parties holding the same seed who ask for the same lengths in the same order draw identical
/// values (the basis of all derived, uncommunicated correlated randomness).
/// </summary>
internal static class Sampling
{
    // Z_67 and the exponents of Z_67^* are sampled from 16-bit draws: v is accepted below the largest
    // multiple of the modulus (65526 = 978 * 67, 65472 = 992 * 66), so v mod m is exactly uniform, and
    // rejections are rare (10 and 64 in 65536). floor(v / m) = (v * M) >> 22 for every accepted v.
    private const int ZpLimit = 65526;
    private const int ZpMultiplier = 62602;
    private const int ExponentLimit = 65472;
    private const int ExponentMultiplier = 63551;
    private const int DrawValues = 1 << 14;

    /// <summary>Uniform elements of Z_67 (rejection sampling on 16-bit draws, unbiased).</summary>
    public static void FillZp(AesPrg prg, Span<byte> destination) => FillModulo(prg, destination, Zp.P, ZpLimit, ZpMultiplier);

    /// <summary>Uniform exponents in [0, 66): 2^e is then uniform in Z_67^* (<see cref="Z67Kernels"/>).</summary>
    public static void FillZpExponents(AesPrg prg, Span<byte> destination) =>
        FillModulo(prg, destination, Z67Kernels.Order, ExponentLimit, ExponentMultiplier);

    /// <summary>Uniform elements of Z_67^* = {1, ..., 66}.</summary>
    public static void FillZpNonZero(AesPrg prg, Span<byte> destination)
    {
        FillZpExponents(prg, destination);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i]++;
        }
    }

    /// <summary>Uniform elements of Z_(2^64 - 1): the one 64-bit value outside the ring is redrawn.</summary>
    public static void FillOdd(AesPrg prg, Span<ulong> destination)
    {
        prg.Fill(destination);
        for (var i = 0; i < destination.Length; i++)
        {
            while (destination[i] == OddRing.Modulus)
            {
                destination[i] = prg.Next<ulong>();
            }
        }
    }

    /// <summary>Uniform nonzero elements of Z_2^64 (the value 0 is redrawn).</summary>
    public static void FillNonZero(AesPrg prg, Span<ulong> destination)
    {
        prg.Fill(destination);
        for (var i = 0; i < destination.Length; i++)
        {
            while (destination[i] == 0)
            {
                destination[i] = prg.Next<ulong>();
            }
        }
    }

    /// <summary>Uniform bits, one 0/1 byte each (drawn as packed words, so n bits cost n / 8 stream bytes).</summary>
    public static void FillBits(AesPrg prg, Span<byte> destination)
    {
        var words = ArrayPool<ulong>.Shared.Rent(BitPacking.PackedLength(destination.Length));
        try
        {
            var packed = words.AsSpan(0, BitPacking.PackedLength(destination.Length));
            FillPackedBits(prg, destination.Length, packed);
            BitPacking.Unpack(packed, destination);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(words);
        }
    }

    /// <summary>Uniform packed bits; the unused high bits of the last word are cleared.</summary>
    public static void FillPackedBits(AesPrg prg, int bitCount, Span<ulong> packed)
    {
        prg.Fill(packed);
        var tail = bitCount & 63;
        if (tail != 0)
        {
            packed[^1] &= (1UL << tail) - 1;
        }
    }

    /// <summary>
    /// The first <c>destination.Length</c> accepted values of the stream read as little-endian 16-bit
    /// draws (v accepted when below <paramref name="limit"/>, mapped to v mod <paramref name="modulus"/>).
    /// Draws are requested in batches of at most the number of values still missing, so how much of the
    /// stream is consumed depends only on the stream and the length. 32 draws at a time are reduced
    /// with AVX-512 when none of them is rejected; a batch with a rejection goes through the scalar loop.
    /// </summary>
    private static void FillModulo(AesPrg prg, Span<byte> destination, int modulus, int limit, int multiplier)
    {
        var filled = 0;
        var rented = ArrayPool<ushort>.Shared.Rent(Math.Min(DrawValues, Math.Max(destination.Length, 1)));
        try
        {
            while (filled < destination.Length)
            {
                var draws = rented.AsSpan(0, Math.Min(rented.Length, destination.Length - filled));
                prg.Fill(draws);
                var k = 0;
                if (Avx512BW.IsSupported)
                {
                    var limits = Vector512.Create((ushort)(limit - 1));
                    var m = Vector512.Create((ushort)multiplier);
                    var mod = Vector512.Create((ushort)modulus);
                    ref var src = ref MemoryMarshal.GetReference(draws);
                    ref var dst = ref MemoryMarshal.GetReference(destination);
                    if (Avx512Vbmi.IsSupported)
                    {
                        // 64 draws at a time; the low bytes of both halves are gathered by one vpermt2b.
                        var evenBytes = Vector512<byte>.Indices + Vector512<byte>.Indices;
                        for (; k + 64 <= draws.Length; k += 64)
                        {
                            var v0 = Vector512.LoadUnsafe(ref src, (nuint)k);
                            var v1 = Vector512.LoadUnsafe(ref src, (nuint)k + 32);
                            if (Vector512.GreaterThanAny(Vector512.Max(v0, v1), limits))
                            {
                                filled = Scalar(draws.Slice(k, 64), destination, filled, modulus, limit, multiplier);
                                continue;
                            }

                            var r0 = v0 - (Vector512.ShiftRightLogical(Avx512BW.MultiplyHigh(v0, m), 6) * mod);
                            var r1 = v1 - (Vector512.ShiftRightLogical(Avx512BW.MultiplyHigh(v1, m), 6) * mod);
                            Avx512Vbmi.PermuteVar64x8x2(r0.AsByte(), evenBytes, r1.AsByte()).StoreUnsafe(ref dst, (nuint)filled);
                            filled += 64;
                        }
                    }

                    for (; k + 32 <= draws.Length; k += 32)
                    {
                        var v = Vector512.LoadUnsafe(ref src, (nuint)k);
                        if (Vector512.GreaterThanAny(v, limits))
                        {
                            filled = Scalar(draws.Slice(k, 32), destination, filled, modulus, limit, multiplier);
                            continue;
                        }

                        var q = Vector512.ShiftRightLogical(Avx512BW.MultiplyHigh(v, m), 6);
                        Avx512BW.ConvertToVector256Byte(v - (q * mod)).StoreUnsafe(ref dst, (nuint)filled);
                        filled += 32;
                    }
                }

                filled = Scalar(draws[k..], destination, filled, modulus, limit, multiplier);
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(rented);
        }

        static int Scalar(ReadOnlySpan<ushort> draws, Span<byte> destination, int filled, int modulus, int limit, int multiplier)
        {
            foreach (var v in draws)
            {
                if (v < limit && filled < destination.Length)
                {
                    // v mod m without a division: floor(v / m) = (v * M) >> 22 for every accepted v.
                    destination[filled++] = (byte)(v - ((((uint)v * (uint)multiplier) >> 22) * (uint)modulus));
                }
            }

            return filled;
        }
    }
}
