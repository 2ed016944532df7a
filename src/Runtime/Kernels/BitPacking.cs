namespace Mpc.Runtime.Kernels;

/// <summary>
/// Bits travel packed: bit i of a sequence lives at <c>packed[i / 64] &gt;&gt; (i % 64) &amp; 1</c>.
/// Unpacked bits are one byte each, 0 or 1. Unused high bits of the last word are zero.
/// Xor/And on packed words are <see cref="RingOps.Xor{T}"/> and <see cref="RingOps.And{T}"/> over <c>ulong</c>.
/// </summary>
/// <remarks>Scalar reference bodies; the SIMD versions keep these signatures.</remarks>
public static class BitPacking
{
    /// <summary>Words needed for <paramref name="bitCount"/> bits.</summary>
    public static int PackedLength(int bitCount) => (bitCount + 63) >> 6;

    /// <summary>Packs 0/1 bytes into words. Any nonzero byte is read as 1.</summary>
    public static void Pack(ReadOnlySpan<byte> bits, Span<ulong> packed)
    {
        if (packed.Length != PackedLength(bits.Length))
        {
            throw new ArgumentException($"{bits.Length} bits need {PackedLength(bits.Length)} words, got {packed.Length}");
        }

        packed.Clear();
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i] != 0)
            {
                packed[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>Unpacks the first <c>bits.Length</c> bits into 0/1 bytes.</summary>
    public static void Unpack(ReadOnlySpan<ulong> packed, Span<byte> bits)
    {
        if (packed.Length != PackedLength(bits.Length))
        {
            throw new ArgumentException($"{bits.Length} bits need {PackedLength(bits.Length)} words, got {packed.Length}");
        }

        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (byte)((packed[i >> 6] >> (i & 63)) & 1);
        }
    }
}
