using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Both truncation methods: within 1 ulp (the result is floor(x / 2^d) or one more), the local method's failure rate, the helper method at its bound.</summary>
public sealed class TruncationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(31)]
    [InlineData(61)]
    [InlineData(62)]
    public void HelperTruncationIsWithinOneUlpUpToTheBound(int bits)
    {
        const long Bound = 1L << 62;
        long[] edges = [0, 1, -1, Bound - 1, -Bound, Bound - 2, -Bound + 1, 1L << bits, -(1L << bits), (1L << bits) - 1, -(1L << bits) + 1];
        var x = TestValues.Concat(edges.Select(v => (ulong)v).ToArray(), TestValues.Signed(300, 62, bits));
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = p.Alloc(x.Length);
            p.Truncate(x.Length, s, y, bits, TruncationMethod.Helper);
            return y;
        });
        AssertWithinOneUlp(x, got, bits);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(40)]
    public void LocalTruncationIsWithinOneUlpForSmallValues(int bits)
    {
        long[] edges = [0, 1, -1, 1L << bits, -(1L << bits), (1L << 40) - 1, -(1L << 40)];
        var x = TestValues.Concat(edges.Select(v => (ulong)v).ToArray(), TestValues.Signed(300, 40, bits));
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = p.Alloc(x.Length);
            p.Truncate(x.Length, s, y, bits, TruncationMethod.Local);
            return y;
        });
        AssertWithinOneUlp(x, got, bits);
    }

    [Fact]
    public void TruncationInPlaceAndByZeroBits()
    {
        var x = TestValues.Signed(50, 50, 1);
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = s.ToArray();
            p.Truncate(x.Length, y, y, 0, TruncationMethod.Helper);
            p.Truncate(x.Length, y, y, 7, TruncationMethod.Helper);
            return y;
        });
        AssertWithinOneUlp(x, got, 7);
    }

    [Fact]
    public void LocalTruncationFailsAtTheRateItsBoundPredicts()
    {
        // |x| < 2^60: the bound is 2^(60 + 1 - 64) = 1/8 per element; for x uniform the rate is about 1/32.
        const int N = 4000;
        const int MagnitudeBits = 60;
        var x = TestValues.Signed(N, MagnitudeBits, 3);
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = p.Alloc(N);
            p.Truncate(N, s, y, 13, TruncationMethod.Local);
            return y;
        });
        var failures = 0;
        for (var i = 0; i < N; i++)
        {
            var error = (long)(got[i] - TestValues.FloorShift(x[i], 13));
            if (error is not 0 and not 1)
            {
                failures++;
                Assert.True(Math.Abs((double)error) > Math.ScaleB(1, 40), "a local truncation failure is a huge error, not a rounding one");
            }
        }

        var bound = Protocol.LocalTruncationFailureProbability(MagnitudeBits, 1);
        Assert.Equal(0.125, bound, 12);
        Assert.InRange(failures / (double)N, bound / 16, bound);
    }

    [Fact]
    public void LocalTruncationFailureProbabilityForTheCaller()
    {
        Assert.Equal(0, Protocol.LocalTruncationFailureProbability(20, 0));
        Assert.Equal(1, Protocol.LocalTruncationFailureProbability(63, 1));
        // 10.8 M elements below 2^30: 1 - (1 - 2^-33)^n, just under n * 2^-33.
        var p = Protocol.LocalTruncationFailureProbability(30, 10_800_000);
        var union = 10_800_000 * Math.ScaleB(1, -33);
        Assert.InRange(p, union * 0.999, union);
        Assert.True(p > Math.ScaleB(1, -20), "the skin model exceeds the 2^-20 budget with local truncation at 30 bits");
        Assert.True(Protocol.LocalTruncationFailureProbability(18, 10_800_000) < Math.ScaleB(1, -20));
        Assert.True(Protocol.LocalTruncationFailureProbability(40, 1000) > Protocol.LocalTruncationFailureProbability(39, 1000));
    }

    private static void AssertWithinOneUlp(ulong[] x, ulong[] got, int bits)
    {
        for (var i = 0; i < x.Length; i++)
        {
            var error = got[i] - TestValues.FloorShift(x[i], bits);
            Assert.True(error is 0 or 1, $"element {i}: truncation by {bits} off by {(long)error}");
        }
    }
}
