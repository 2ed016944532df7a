using Mpc.Runtime.Kernels;
using Xunit;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// Pack/Unpack at every width and every bit count 0 .. 4 Vector512s of bytes + 3, against the bit
/// definition; nonzero bytes other than 1 pack as 1; nothing past the end is written; Not keeps the
/// unused bits zero.
/// </summary>
public sealed class BitPackingTests
{
    public static TheoryData<int> AllWidths => RingReference.Widths();

    private static IEnumerable<int> BitCounts => Enumerable.Range(0, (4 * 64) + 4);

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void PackMatchesTheBitDefinition(int width)
    {
        var rng = new Random(width);
        foreach (var n in BitCounts)
        {
            var bits = new byte[n];
            for (var i = 0; i < n; i++)
            {
                bits[i] = rng.Next(3) switch { 0 => 0, 1 => 1, _ => (byte)rng.Next(256) };
            }

            var packed = Enumerable.Repeat(0xDEAD_BEEF_DEAD_BEEFUL, BitPacking.PackedLength(n)).ToArray();
            BitPacking.Pack(bits, packed, (VectorWidth)width);
            for (var i = 0; i < packed.Length * 64; i++)
            {
                var expected = i < n && bits[i] != 0 ? 1UL : 0UL;
                Assert.True(expected == ((packed[i >> 6] >> (i & 63)) & 1), $"width {width} length {n} bit {i}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void UnpackMatchesTheBitDefinitionAndStopsAtTheEnd(int width)
    {
        var rng = new Random(width + 1);
        foreach (var n in BitCounts)
        {
            var packed = RingReference.Random<ulong>(rng, BitPacking.PackedLength(n));
            if ((n & 63) != 0)
            {
                packed[^1] &= (1UL << (n & 63)) - 1;
            }

            var buffer = Enumerable.Repeat((byte)0xAA, n + 8).ToArray();
            BitPacking.Unpack(packed, buffer.AsSpan(0, n), (VectorWidth)width);
            for (var i = 0; i < n; i++)
            {
                Assert.True((byte)((packed[i >> 6] >> (i & 63)) & 1) == buffer[i], $"width {width} length {n} bit {i}");
            }

            Assert.All(buffer.Skip(n), b => Assert.Equal(0xAA, b));

            var again = new ulong[packed.Length];
            BitPacking.Pack(buffer.AsSpan(0, n), again, (VectorWidth)width);
            Assert.Equal(packed, again);
        }
    }

    [Fact]
    public void PublicEntryPointsRoundTripAndNotKeepsUnusedBitsZero()
    {
        var rng = new Random(3);
        foreach (var n in BitCounts)
        {
            var bits = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(2)).ToArray();
            var packed = new ulong[BitPacking.PackedLength(n)];
            BitPacking.Pack(bits, packed);
            var flipped = new ulong[packed.Length];
            BitPacking.Not(packed, n, flipped);
            var back = new byte[n];
            BitPacking.Unpack(flipped, back);
            Assert.Equal(bits.Select(b => (byte)(1 - b)).ToArray(), back);
            if ((n & 63) != 0)
            {
                Assert.Equal(0UL, flipped[^1] >> (n & 63));
            }
        }

        Assert.Throws<ArgumentException>(() => BitPacking.Pack(new byte[65], new ulong[1]));
        Assert.Throws<ArgumentException>(() => BitPacking.Unpack(new ulong[2], new byte[64]));
        Assert.Throws<ArgumentException>(() => BitPacking.Not(new ulong[1], 65, new ulong[2]));
    }
}
