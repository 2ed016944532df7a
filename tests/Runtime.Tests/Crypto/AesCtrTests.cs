using System.Security.Cryptography;
using Mpc.Runtime.Crypto;
using Xunit;

namespace Mpc.Runtime.Tests.Crypto;

/// <summary>The AES-128 block function and CTR mode, on every implementation, against published vectors.</summary>
public sealed class AesCtrTests
{
    public static TheoryData<AesImplementation> Implementations()
    {
        var data = new TheoryData<AesImplementation> { AesImplementation.Portable, AesImplementation.Auto };
        if (AesCtr.IsAesNiSupported)
        {
            data.Add(AesImplementation.AesNi);
        }

        return data;
    }

    /// <summary>NIST SP 800-38A, F.5.1 CTR-AES128.Encrypt: four blocks, the counter carries from ...feff to ...ff00.</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void MatchesNistSp800_38aF51(AesImplementation implementation)
    {
        var key = Convert.FromHexString("2b7e151628aed2a6abf7158809cf4f3c");
        var counter = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
        var plaintext = Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
            "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
        var ciphertext = Convert.FromHexString(
            "874d6191b620e3261bef6864990db6ce" + "9806f66b7970fdff8617187bb9fffdff" +
            "5ae4df3edbd5d35e5b4f09020db03eab" + "1e031dda2fbe03d1792170a0f3009cee");

        var keystream = new byte[plaintext.Length];
        AesCtr.Keystream(key, counter, keystream, implementation);
        var encrypted = plaintext.Zip(keystream, (p, k) => (byte)(p ^ k)).ToArray();
        Assert.Equal(Convert.ToHexString(ciphertext), Convert.ToHexString(encrypted));

        // A shorter keystream is a prefix: partial last blocks work.
        var prefix = new byte[37];
        AesCtr.Keystream(key, counter, prefix, implementation);
        Assert.Equal(keystream[..37], prefix);
    }

    /// <summary>FIPS 197 Appendix C.1: one AES-128 block (the keystream of one counter block is E(counter)).</summary>
    [Theory]
    [MemberData(nameof(Implementations))]
    public void MatchesFips197AppendixC1(AesImplementation implementation)
    {
        var block = new byte[16];
        AesCtr.Keystream(
            Convert.FromHexString("000102030405060708090a0b0c0d0e0f"),
            Convert.FromHexString("00112233445566778899aabbccddeeff"),
            block,
            implementation);
        Assert.Equal("69C4E0D86A7B0430D8CDB78070B4C55A", Convert.ToHexString(block));
    }

    [Fact]
    public void CounterWrapsAroundAt2To128()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var top = Enumerable.Repeat((byte)0xFF, 16).ToArray();
        var stream = new byte[32];
        AesCtr.Keystream(key, top, stream);
        var fromZero = new byte[16];
        AesCtr.Keystream(key, new byte[16], fromZero);
        Assert.Equal(fromZero, stream[16..]);
    }

    [Fact]
    public void AesNiAndPortableAgreeOnEveryLength()
    {
        if (!AesCtr.IsAesNiSupported)
        {
            return;
        }

        var key = RandomNumberGenerator.GetBytes(16);
        var counter = RandomNumberGenerator.GetBytes(16);
        foreach (var length in Enumerable.Range(0, 300).Append(1 << 20).Append((1 << 20) + 77))
        {
            var a = new byte[length];
            var b = new byte[length];
            AesCtr.Keystream(key, counter, a, AesImplementation.AesNi);
            AesCtr.Keystream(key, counter, b, AesImplementation.Portable);
            Assert.True(a.AsSpan().SequenceEqual(b), $"the implementations differ at length {length}");
        }
    }

    [Fact]
    public void RejectsBadKeyAndCounterLengths()
    {
        var ok = new byte[16];
        Assert.Throws<ArgumentException>(() => AesCtr.Keystream(new byte[15], ok, new byte[16]));
        Assert.Throws<ArgumentException>(() => AesCtr.Keystream(ok, new byte[17], new byte[16]));
    }
}
