using System.Numerics;
using Mpc.Runtime.Crypto;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Z_(2^64 - 1), Z_67 and the samplers against BigInteger / exhaustive references.</summary>
public sealed class RingArithmeticTests
{
    private static readonly BigInteger Odd = ulong.MaxValue;

    [Fact]
    public void OddRingMatchesBigInteger()
    {
        ulong[] edges = [0, 1, 2, ulong.MaxValue - 1, ulong.MaxValue - 2, 1UL << 63, (1UL << 63) - 1];
        var values = TestValues.Concat(edges, TestValues.Ring(60, 1).Select(v => OddRing.Reduce(v)).ToArray());
        foreach (var a in values)
        {
            Assert.Equal((ulong)(a % Odd), OddRing.Reduce(a));
            Assert.Equal((ulong)((2 * (BigInteger)a) % Odd), OddRing.Double(a));
            Assert.Equal((ulong)((Odd - a) % Odd), OddRing.Neg(a));
            foreach (var b in values)
            {
                Assert.Equal((ulong)(((BigInteger)a + b) % Odd), OddRing.Add(a, b));
                Assert.Equal((ulong)(((((BigInteger)a - b) % Odd) + Odd) % Odd), OddRing.Sub(a, b));
            }
        }

        Assert.Equal(0UL, OddRing.Reduce(ulong.MaxValue));
    }

    [Fact]
    public void Z67IsExhaustivelyRight()
    {
        for (var a = 0; a < Zp.P; a++)
        {
            Assert.Equal((Zp.P - a) % Zp.P, Zp.Neg((byte)a));
            for (var b = 0; b < Zp.P; b++)
            {
                Assert.Equal((a + b) % Zp.P, Zp.Add((byte)a, (byte)b));
                Assert.Equal((a - b + Zp.P) % Zp.P, Zp.Sub((byte)a, (byte)b));
                Assert.Equal(a * b % Zp.P, Zp.Mul((byte)a, (byte)b));
            }
        }
    }

    [Fact]
    public void SamplersAreDeterministicPerSeedAndUniform()
    {
        var seed = AesPrg.NewSeed();
        var a = new byte[67 * 3000];
        var b = new byte[a.Length];
        Sampling.FillZp(new AesPrg(seed), a);
        // The same request on the same seed gives the same values: two parties derive identical randomness.
        Sampling.FillZp(new AesPrg(seed), b);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0, 66));
        Assert.InRange(ChiSquare.Uniform(Histogram(a, 67)), 0, ChiSquare.Critical(66));

        var nonZero = new byte[66 * 3000];
        Sampling.FillZpNonZero(AesPrg.FromOsEntropy(), nonZero);
        Assert.All(nonZero, v => Assert.InRange(v, 1, 66));
        Assert.InRange(ChiSquare.Uniform(Histogram(nonZero, 67)[1..]), 0, ChiSquare.Critical(65));

        var bits = new byte[10_000];
        Sampling.FillBits(AesPrg.FromOsEntropy(), bits);
        Assert.All(bits, v => Assert.InRange(v, 0, 1));
        Assert.InRange(bits.Count(v => v == 1), 4600, 5400);

        var odd = new ulong[1000];
        Sampling.FillOdd(AesPrg.FromOsEntropy(), odd);
        Assert.DoesNotContain(ulong.MaxValue, odd);
    }

    [Fact]
    public void PackedBitSamplesClearTheUnusedTail()
    {
        var packed = new ulong[2];
        Sampling.FillPackedBits(AesPrg.FromOsEntropy(), 70, packed);
        Assert.Equal(0UL, packed[1] >> 6);
    }

    private static long[] Histogram(byte[] values, int bins)
    {
        var h = new long[bins];
        foreach (var v in values)
        {
            h[v]++;
        }

        return h;
    }
}
