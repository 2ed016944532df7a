using System.Buffers;
using System.Runtime.CompilerServices;
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
    private const byte Reject = 0xFF;

    // Bytes below 201 = 3 * 67 map uniformly onto Z_67 by % 67; below 198 = 3 * 66 onto 1..66 by 1 + % 66.
    // The tables have 256 entries, so indexing them by a byte needs no bounds check.
    private static readonly byte[] ZpTable = RejectionTable(3 * Zp.P, Zp.P, 0);
    private static readonly byte[] ZpNonZeroTable = RejectionTable(3 * (Zp.P - 1), Zp.P - 1, 1);

    /// <summary>Uniform elements of Z_67 (rejection sampling on bytes, unbiased).</summary>
    public static void FillZp(AesPrg prg, Span<byte> destination) => FillByRejection(prg, destination, ZpTable);

    /// <summary>Uniform elements of Z_67^* = {1, ..., 66}.</summary>
    public static void FillZpNonZero(AesPrg prg, Span<byte> destination) => FillByRejection(prg, destination, ZpNonZeroTable);

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
    /// Consumes the stream in chunks sized by the number of values still missing, keeping, in order,
    /// the bytes the table maps to a value (values are below 128, <see cref="Reject"/> is not). The
    /// compaction is branchless: every mapped byte is written and the write position advances only
    /// for accepted ones, so the unpredictable accept/reject decision costs no mispredictions.
    /// </summary>
    private static void FillByRejection(AesPrg prg, Span<byte> destination, byte[] table)
    {
        var filled = 0;
        var capacity = Math.Max(64, destination.Length + (destination.Length >> 2) + 16);
        var raw = ArrayPool<byte>.Shared.Rent(capacity);
        var accepted = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            while (filled < destination.Length)
            {
                var missing = destination.Length - filled;
                var draw = raw.AsSpan(0, Math.Min(capacity, missing + (missing >> 2) + 16));
                prg.Fill(draw);
                var kept = 0;
                ref var map = ref table[0];
                foreach (var b in draw)
                {
                    var v = Unsafe.Add(ref map, b);
                    accepted[kept] = v;
                    kept += (v >> 7) ^ 1;
                }

                var take = Math.Min(kept, missing);
                accepted.AsSpan(0, take).CopyTo(destination[filled..]);
                filled += take;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(accepted);
        }
    }

    private static byte[] RejectionTable(int acceptBelow, int modulus, int offset)
    {
        var table = new byte[256];
        for (var b = 0; b < 256; b++)
        {
            table[b] = b < acceptBelow ? (byte)(offset + (b % modulus)) : Reject;
        }

        return table;
    }
}
