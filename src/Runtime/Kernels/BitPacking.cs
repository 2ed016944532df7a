using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Bits travel packed: bit i of a sequence lives at <c>packed[i / 64] &gt;&gt; (i % 64) &amp; 1</c>.
/// Unpacked bits are one byte each, 0 or 1. Unused high bits of the last word are zero.
/// Xor/And on packed words are <see cref="RingOps.Xor{T}"/> and <see cref="RingOps.And{T}"/> over
/// <c>ulong</c> (they keep the unused bits zero); <see cref="Not"/> flips bits and keeps them zero too.
/// </summary>
/// <remarks>
/// Pack compares 64 bytes with zero and moves the comparison mask into a word (vpcmpub + kmovq at
/// 512 bits; two or four masks at 256/128). Unpack broadcasts a word, shuffles byte i/8 to position
/// i, selects bit i%8 and clamps to 0/1. Partial words at the end go through scalar code.
/// </remarks>
public static class BitPacking
{
    /// <summary>Words needed for <paramref name="bitCount"/> bits.</summary>
    public static int PackedLength(int bitCount) => (bitCount + 63) >> 6;

    /// <summary>Packs 0/1 bytes into words. Any nonzero byte is read as 1.</summary>
    public static void Pack(ReadOnlySpan<byte> bits, Span<ulong> packed) => Pack(bits, packed, VectorWidths.Widest<byte>());

    /// <summary>Unpacks the first <c>bits.Length</c> bits into 0/1 bytes.</summary>
    public static void Unpack(ReadOnlySpan<ulong> packed, Span<byte> bits) => Unpack(packed, bits, VectorWidths.Widest<byte>());

    /// <summary>Flips the first <paramref name="bitCount"/> bits (xor with a public 1 on every bit), leaving unused bits zero.</summary>
    public static void Not(ReadOnlySpan<ulong> packed, int bitCount, Span<ulong> destination)
    {
        CheckLength(bitCount, packed.Length);
        CheckLength(bitCount, destination.Length);
        RingOps.XorScalar(packed, ulong.MaxValue, destination);
        if ((bitCount & 63) != 0)
        {
            destination[^1] &= (1UL << (bitCount & 63)) - 1;
        }
    }

    internal static void Pack(ReadOnlySpan<byte> bits, Span<ulong> packed, VectorWidth width)
    {
        CheckLength(bits.Length, packed.Length);
        ref var src = ref MemoryMarshal.GetReference(bits);
        var words = bits.Length >> 6;
        var w = 0;
        if (VectorWidths.Uses512<byte>(width))
        {
            for (; w < words; w++)
            {
                packed[w] = Vector512.GreaterThan(Vector512.LoadUnsafe(ref src, (nuint)w * 64), Vector512<byte>.Zero).ExtractMostSignificantBits();
            }
        }
        else if (VectorWidths.Uses256<byte>(width))
        {
            for (; w < words; w++)
            {
                var at = (nuint)w * 64;
                ulong lo = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, at), Vector256<byte>.Zero).ExtractMostSignificantBits();
                ulong hi = Vector256.GreaterThan(Vector256.LoadUnsafe(ref src, at + 32), Vector256<byte>.Zero).ExtractMostSignificantBits();
                packed[w] = lo | (hi << 32);
            }
        }
        else if (VectorWidths.Uses128<byte>(width))
        {
            for (; w < words; w++)
            {
                ulong word = 0;
                for (var q = 0; q < 4; q++)
                {
                    ulong mask = Vector128.GreaterThan(Vector128.LoadUnsafe(ref src, ((nuint)w * 64) + ((nuint)q * 16)), Vector128<byte>.Zero).ExtractMostSignificantBits();
                    word |= mask << (16 * q);
                }

                packed[w] = word;
            }
        }

        for (; w < packed.Length; w++)
        {
            var end = Math.Min(bits.Length, (w + 1) * 64);
            ulong word = 0;
            for (var i = w * 64; i < end; i++)
            {
                word |= (bits[i] != 0 ? 1UL : 0UL) << (i & 63);
            }

            packed[w] = word;
        }
    }

    internal static void Unpack(ReadOnlySpan<ulong> packed, Span<byte> bits, VectorWidth width)
    {
        CheckLength(bits.Length, packed.Length);
        ref var dst = ref MemoryMarshal.GetReference(bits);
        var words = bits.Length >> 6;
        var w = 0;
        if (VectorWidths.Uses512<byte>(width))
        {
            var spread = SpreadIndices512();
            var select = Vector512.Create(0x8040_2010_0804_0201UL).AsByte();
            for (; w < words; w++)
            {
                var bytes = Vector512.Shuffle(Vector512.Create(packed[w]).AsByte(), spread);
                Vector512.Min(bytes & select, Vector512<byte>.One).StoreUnsafe(ref dst, (nuint)w * 64);
            }
        }
        else if (VectorWidths.Uses256<byte>(width))
        {
            var spread = SpreadIndices256();
            var select = Vector256.Create(0x8040_2010_0804_0201UL).AsByte();
            for (; w < words; w++)
            {
                for (var h = 0; h < 2; h++)
                {
                    var bytes = Vector256.Shuffle(Vector256.Create((uint)(packed[w] >> (32 * h))).AsByte(), spread);
                    Vector256.Min(bytes & select, Vector256<byte>.One).StoreUnsafe(ref dst, ((nuint)w * 64) + ((nuint)h * 32));
                }
            }
        }
        else if (VectorWidths.Uses128<byte>(width))
        {
            var spread = SpreadIndices128();
            var select = Vector128.Create(0x8040_2010_0804_0201UL).AsByte();
            for (; w < words; w++)
            {
                for (var q = 0; q < 4; q++)
                {
                    var bytes = Vector128.Shuffle(Vector128.Create((ushort)(packed[w] >> (16 * q))).AsByte(), spread);
                    Vector128.Min(bytes & select, Vector128<byte>.One).StoreUnsafe(ref dst, ((nuint)w * 64) + ((nuint)q * 16));
                }
            }
        }

        for (var i = w * 64; i < bits.Length; i++)
        {
            bits[i] = (byte)((packed[i >> 6] >> (i & 63)) & 1);
        }
    }

    /// <summary>Byte i takes source byte i / 8 (the byte holding bit i).</summary>
    private static Vector512<byte> SpreadIndices512() => Vector512.ShiftRightLogical(Vector512<byte>.Indices, 3);

    private static Vector256<byte> SpreadIndices256() => Vector256.ShiftRightLogical(Vector256<byte>.Indices, 3);

    private static Vector128<byte> SpreadIndices128() => Vector128.ShiftRightLogical(Vector128<byte>.Indices, 3);

    private static void CheckLength(int bitCount, int words)
    {
        if (bitCount < 0 || words != PackedLength(bitCount))
        {
            throw new ArgumentException($"{bitCount} bits need {PackedLength(bitCount)} words, got {words}");
        }
    }
}
