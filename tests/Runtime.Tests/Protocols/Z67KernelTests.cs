using Mpc.Runtime.Crypto;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>The AVX-512 Z_67 kernels and samplers give exactly the bytes of their scalar definitions.</summary>
public sealed class Z67KernelTests
{
    [Fact]
    public void TheGeneratorsPowersAreAllOfZ67Star()
    {
        var powers = Enumerable.Range(0, Z67Kernels.Order).Select(e => Z67Kernels.MulByExponent(1, (byte)e)).ToHashSet();
        Assert.Equal(66, powers.Count);
        Assert.DoesNotContain((byte)0, powers);
        for (var c = 0; c < Zp.P; c++)
        {
            for (var e = 0; e < Z67Kernels.Order; e++)
            {
                Assert.Equal(Zp.Mul((byte)c, Z67Kernels.MulByExponent(1, (byte)e)), Z67Kernels.MulByExponent((byte)c, (byte)e));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CompareMessagesMatchTheScalarReference(bool server1)
    {
        const int N = 300;
        var prg = AesPrg.FromOsEntropy();
        var shares = new byte[64 * N];
        Sampling.FillZp(prg, shares);
        var flips = new ulong[N];
        var r = new ulong[N];
        var beta = new byte[N];
        prg.Fill<ulong>(flips);
        prg.Fill<ulong>(r);
        Sampling.FillBits(prg, beta);
        // The special threshold (beta = 1, r = 2^64 - 1), its neighbour, and r = 0.
        (r[0], beta[0], r[1], beta[1], r[2], beta[2], r[3]) = (ulong.MaxValue, 1, ulong.MaxValue, 0, ulong.MaxValue - 1, 1, 0);
        var s = new byte[64 * N];
        var u = new byte[64 * N];
        var rotations = new byte[N];
        Sampling.FillZpExponents(prg, s);
        Sampling.FillZp(prg, u);
        prg.Fill(rotations);
        for (var i = 0; i < N; i++)
        {
            rotations[i] &= 63;
        }

        var rnd = new CompareRandomness(s, u, rotations);
        foreach (var f in new[] { flips, [] })
        {
            var fast = new byte[64 * N];
            var reference = new byte[64 * N];
            Z67Kernels.CompareMessages(N, shares, f, r, beta, server1, rnd, fast);
            Z67Kernels.CompareMessages(N, shares, f, r, beta, server1, rnd, reference, scalar: true);
            Assert.Equal(reference, fast);
            Assert.All(fast, v => Assert.InRange(v, 0, 66));
        }
    }

    [Fact]
    public void FindZerosAndBitCorrectionsMatchTheirDefinitions()
    {
        const int N = 130;
        var prg = AesPrg.FromOsEntropy();
        var d0 = new byte[64 * N];
        var d1 = new byte[64 * N];
        Sampling.FillZp(prg, d0);
        Sampling.FillZp(prg, d1);
        for (var i = 0; i < N; i += 3)
        {
            var k = (64 * i) + (i % 64);
            d1[k] = Zp.Neg(d0[k]);
        }

        var packed = new ulong[3];
        Z67Kernels.FindZeros(N, d0, d1, packed);
        for (var i = 0; i < N; i++)
        {
            var any = Enumerable.Range(64 * i, 64).Any(k => Zp.Add(d0[k], d1[k]) == 0);
            Assert.Equal(any, ((packed[i >> 6] >> (i & 63)) & 1) == 1);
        }

        var bits = new ulong[3];
        prg.Fill<ulong>(bits);
        var draws = new byte[190];
        Sampling.FillZp(prg, draws);
        var expected = draws.Select((v, k) => Zp.Sub((byte)((bits[k >> 6] >> (k & 63)) & 1), v)).ToArray();
        Z67Kernels.BitsMinusDraws(bits, draws);
        Assert.Equal(expected, draws);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(5000)]
    [InlineData(40_000)]
    public void SamplersTakeTheAcceptedSixteenBitDrawsInOrder(int n)
    {
        var seed = AesPrg.NewSeed();
        var zp = new byte[n];
        var exponents = new byte[n];
        var prg = new AesPrg(seed);
        Sampling.FillZp(prg, zp);
        Sampling.FillZpExponents(prg, exponents);

        // The definition, one draw at a time, on the same stream: the batch sizes of the fast path do not matter.
        var reference = new AesPrg(seed);
        Assert.Equal(Reference(reference, n, 67, 65526), zp);
        Assert.Equal(Reference(reference, n, 66, 65472), exponents);
    }

    private static byte[] Reference(AesPrg prg, int n, int modulus, int limit)
    {
        var result = new byte[n];
        for (var filled = 0; filled < n;)
        {
            var v = prg.Next<ushort>();
            if (v < limit)
            {
                result[filled++] = (byte)(v % modulus);
            }
        }

        return result;
    }
}
