using System.Numerics;
using System.Runtime.Intrinsics;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Rings;
using Mpc.Runtime.Tests.Kernels;
using Xunit;

namespace Mpc.Runtime.Tests.Rings;

/// <summary>
/// Fixed-point encode/decode, scalar and at every vector width, for ulong and uint, against an exact
/// reference: the double's exact binary value times 2^f rounded half-to-even with BigInteger
/// arithmetic (no Math.Round), range-checked, reduced mod 2^k.
/// </summary>
public sealed class FixedPointTests
{
    public static TheoryData<int> AllWidths => RingReference.Widths();

    [Theory]
    [InlineData(2.5, 0, 2L)]
    [InlineData(3.5, 0, 4L)]
    [InlineData(-2.5, 0, -2L)]
    [InlineData(-3.5, 0, -4L)]
    [InlineData(0.375, 2, 2L)] // 1.5 ulp -> 2
    [InlineData(0.125, 2, 0L)] // 0.5 ulp -> 0
    [InlineData(-0.125, 2, 0L)]
    [InlineData(1.0, 16, 65536L)]
    [InlineData(-1.0, 16, -65536L)]
    public void EncodeRoundsHalfToEven(double value, int fracBits, long expected)
    {
        Assert.Equal(unchecked((ulong)expected), FixedPoint.Encode<ulong>(value, fracBits));
        Assert.Equal(unchecked((uint)expected), FixedPoint.Encode<uint>(value, fracBits));
    }

    [Fact]
    public void EncodeThrowsOutsideTheRingAndAcceptsItsEnds()
    {
        Assert.Equal(1UL << 63, FixedPoint.Encode<ulong>(-Math.ScaleB(1, 63 - 20), 20));
        Assert.Throws<OverflowException>(() => FixedPoint.Encode<ulong>(Math.ScaleB(1, 63 - 20), 20));
        Assert.Equal(1U << 31, FixedPoint.Encode<uint>(-Math.ScaleB(1, 31 - 8), 8));
        Assert.Equal((1U << 31) - 1, FixedPoint.Encode<uint>(Math.ScaleB(1, 31 - 8) - Math.ScaleB(1, -8), 8));
        Assert.Throws<OverflowException>(() => FixedPoint.Encode<uint>(Math.ScaleB(1, 31 - 8), 8));
        Assert.Throws<OverflowException>(() => FixedPoint.Encode<uint>(double.NaN, 8));
        Assert.Throws<OverflowException>(() => FixedPoint.Encode<ulong>(double.NegativeInfinity, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.Encode<uint>(1, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.Decode<ulong>(1, -1));
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SpanEncodeMatchesExactReferenceAtEveryLength(int width)
    {
        CheckEncode<ulong>((VectorWidth)width, 20);
        CheckEncode<ulong>((VectorWidth)width, 0);
        CheckEncode<uint>((VectorWidth)width, 12);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SpanDecodeMatchesExactReferenceAtEveryLength(int width)
    {
        CheckDecode<ulong>((VectorWidth)width, 20);
        CheckDecode<ulong>((VectorWidth)width, 63);
        CheckDecode<uint>((VectorWidth)width, 12);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SpanEncodeThrowsForAnyBadValueAtAnyPosition(int width)
    {
        foreach (var bad in new[] { float.NaN, float.PositiveInfinity, 1e30f })
        {
            for (var at = 0; at < 20; at++)
            {
                var values = new float[20];
                values[at] = bad;
                Assert.Throws<OverflowException>(() => FixedPoint.Encode<uint>(values, 8, new uint[20], (VectorWidth)width));
                Assert.Throws<OverflowException>(() => FixedPoint.Encode<ulong>(values, 8, new ulong[20], (VectorWidth)width));
            }
        }
    }

    [Fact]
    public void PublicSpanOverloadsRoundTrip()
    {
        float[] values = [0f, 1f, -1f, 0.5f, -0.25f, 3.14159f, -1000.125f, 1e-7f];
        var encoded = new ulong[values.Length];
        FixedPoint.Encode<ulong>(values, 16, encoded);
        var decoded = new float[values.Length];
        FixedPoint.Decode<ulong>(encoded, 16, decoded);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], decoded[i], 1e-4f);
            Assert.Equal(FixedPoint.Encode<ulong>(values[i], 16), encoded[i]);
        }

        Assert.Throws<ArgumentException>(() => FixedPoint.Encode<ulong>(values, 16, new ulong[3]));
        Assert.Throws<ArgumentException>(() => FixedPoint.Decode<ulong>(encoded, 16, new float[3]));
    }

    private static void CheckEncode<T>(VectorWidth width, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random((int)width + fracBits);
        var limit = Math.ScaleB(1.0, RingReference.Bits<T>() - 1 - fracBits);
        foreach (var n in Enumerable.Range(0, (4 * Vector512<float>.Count) + 4))
        {
            var values = new float[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = rng.Next(4) switch
                {
                    // Halfway cases: an odd number of half-ulps.
                    0 => (float)Math.ScaleB((2 * rng.Next(-1000, 1000)) + 1, -fracBits - 1),
                    1 => (float)(limit * ((2 * rng.NextDouble()) - 1) * 0.999),
                    2 => (float)((rng.NextDouble() - 0.5) * 8),
                    _ => -(float)limit,
                };
            }

            var destination = new T[n];
            FixedPoint.Encode(values, fracBits, destination, width);
            var expected = values.Select(v => ExactEncode<T>(v, fracBits)).ToArray();
            RingReference.Equal<T>(expected, destination, $"{typeof(T).Name} width {width} f {fracBits} length {n}");
        }
    }

    private static void CheckDecode<T>(VectorWidth width, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random((int)width + fracBits);
        foreach (var n in Enumerable.Range(0, (4 * Vector512<float>.Count) + 4))
        {
            var values = RingReference.Random<T>(rng, n);
            var destination = new float[n];
            FixedPoint.Decode<T>(values, fracBits, destination, width);
            for (var i = 0; i < n; i++)
            {
                // BigInteger -> double rounds to nearest even; scaling by 2^-f is exact.
                var expected = (float)Math.ScaleB((double)RingReference.Signed(values[i]), -fracBits);
                Assert.True(
                    expected.Equals(destination[i]),
                    $"{typeof(T).Name} width {width} f {fracBits} length {n} index {i}: {values[i]} decoded to {destination[i]}, expected {expected}");
            }
        }
    }

    /// <summary>round_half_even(v * 2^f) from the double's exact mantissa and exponent, then mod 2^k.</summary>
    private static T ExactEncode<T>(double v, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bits = BitConverter.DoubleToInt64Bits(v);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = new BigInteger(bits & 0xF_FFFF_FFFF_FFFF);
        if (exponent != 0)
        {
            mantissa += BigInteger.One << 52;
        }

        // |v| = mantissa * 2^shift exactly.
        var shift = (exponent == 0 ? -1074 : exponent - 1075) + fracBits;
        BigInteger magnitude;
        if (shift >= 0)
        {
            magnitude = mantissa << shift;
        }
        else
        {
            var divisor = BigInteger.One << -shift;
            var quotient = BigInteger.DivRem(mantissa, divisor, out var remainder);
            var twice = remainder * 2;
            magnitude = twice > divisor || (twice == divisor && !quotient.IsEven) ? quotient + 1 : quotient;
        }

        var signed = v < 0 ? -magnitude : magnitude;
        var half = BigInteger.One << (RingReference.Bits<T>() - 1);
        Assert.True(signed >= -half && signed < half, $"test value {v} is out of range");
        return RingReference.FromBig<T>(signed);
    }
}
