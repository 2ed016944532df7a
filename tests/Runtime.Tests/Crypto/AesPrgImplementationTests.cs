using System.Security.Cryptography;
using Mpc.Runtime.Crypto;
using Xunit;

namespace Mpc.Runtime.Tests.Crypto;

/// <summary>The PRG's stream is AES-128 of little-endian block numbers, identical on every implementation.</summary>
public sealed class AesPrgImplementationTests
{
    public static TheoryData<AesImplementation> Implementations() => AesCtrTests.Implementations();

    /// <summary>Block i of the stream is AES_seed(i as a 128-bit little-endian integer), computed here independently.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void StreamIsAesOfLittleEndianBlockNumbers(AesImplementation implementation)
    {
        var seed = RandomNumberGenerator.GetBytes(16);
        const int Blocks = 1000;
        var counters = new byte[Blocks * 16];
        for (var i = 0; i < Blocks; i++)
        {
            BitConverter.TryWriteBytes(counters.AsSpan(i * 16, 8), (ulong)i);
        }

        using var reference = Aes.Create();
        reference.Key = seed;
        var expected = reference.EncryptEcb(counters, PaddingMode.None);

        var actual = new byte[expected.Length];
        var prg = new AesPrg(seed, implementation);
        Assert.Equal(implementation == AesImplementation.Auto ? AesCtr.AutoImplementation : implementation, prg.Implementation);
        prg.Fill(actual);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    /// <summary>Mixed draw sizes (partial blocks, whole blocks straight to the caller, buffer refills) keep the stream.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void AnyChunkingGivesTheSameStream(AesImplementation implementation)
    {
        var seed = RandomNumberGenerator.GetBytes(16);
        var whole = new byte[200_000];
        new AesPrg(seed, AesImplementation.Portable).Fill(whole);

        var prg = new AesPrg(seed, implementation);
        var pieces = new byte[whole.Length];
        var sizes = new Random(7);
        var offset = 0;
        while (offset < pieces.Length)
        {
            var n = Math.Min(pieces.Length - offset, sizes.Next(4) switch
            {
                0 => sizes.Next(1, 16),
                1 => 16 * sizes.Next(1, 10),
                2 => sizes.Next(1, 5000),
                _ => sizes.Next(4096, 40_000),
            });
            prg.Fill(pieces.AsSpan(offset, n));
            offset += n;
        }

        Assert.True(whole.AsSpan().SequenceEqual(pieces));
    }

    [Fact]
    public void ForkIsDeterministicAndIndependent()
    {
        var seed = RandomNumberGenerator.GetBytes(16);
        var a = new AesPrg(seed);
        var b = new AesPrg(seed, AesImplementation.Portable);
        var forkA = a.Fork();
        var forkB = b.Fork();
        Assert.Equal(forkA.Next<ulong>(), forkB.Next<ulong>());
        Assert.Equal(a.Next<ulong>(), b.Next<ulong>());
        Assert.NotEqual(new AesPrg(seed).Next<UInt128>(), forkA.Next<UInt128>());
    }

    [Fact]
    public void OsSeedsDiffer()
    {
        Assert.NotEqual(AesPrg.NewSeed(), AesPrg.NewSeed());
        Assert.NotEqual(AesPrg.FromOsEntropy().Next<UInt128>(), AesPrg.FromOsEntropy().Next<UInt128>());
    }

    [Fact]
    public void RingElementsAreUniformBits()
    {
        // Each of the 64 bit positions of 20 000 draws is set about half the time (a gross-bias check).
        var values = new ulong[20_000];
        AesPrg.FromOsEntropy().Fill<ulong>(values);
        for (var bit = 0; bit < 64; bit++)
        {
            var ones = values.Count(v => ((v >> bit) & 1) == 1);
            Assert.InRange(ones, 9_300, 10_700);
        }
    }
}
