using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// The raw AES-128-CTR keystream of NIST SP 800-38A §6.5 with a caller-given initial counter block
/// and the standard incrementing function (the whole block as a 128-bit big-endian integer, as in
/// the F.5.1 example). Encryption is the keystream XORed with the plaintext.
/// </summary>
/// <remarks>
/// This is the textbook mode, kept so that the AES code is checked against the published vectors;
/// <see cref="AesPrg"/> uses the same block function with its own counter layout (little-endian
/// block numbers from zero).
/// </remarks>
public static class AesCtr
{
    private const int ChunkBlocks = 256;

    /// <summary>True when <see cref="AesImplementation.AesNi"/> is available on this CPU.</summary>
    public static bool IsAesNiSupported => Aes128Core.IsAesNiSupported;

    /// <summary>The implementation <see cref="AesImplementation.Auto"/> selects on this machine.</summary>
    public static AesImplementation AutoImplementation => IsAesNiSupported ? AesImplementation.AesNi : AesImplementation.Portable;

    /// <summary>
    /// Writes the first <c>destination.Length</c> bytes of the keystream E(T1) || E(T2) || ... with
    /// T1 = <paramref name="initialCounterBlock"/> and T(j+1) = T(j) + 1 mod 2^128 (big-endian).
    /// </summary>
    public static void Keystream(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> initialCounterBlock,
        Span<byte> destination,
        AesImplementation implementation = AesImplementation.Auto)
    {
        if (initialCounterBlock.Length != Aes128Core.BlockLength)
        {
            throw new ArgumentException($"a counter block is {Aes128Core.BlockLength} bytes, got {initialCounterBlock.Length}", nameof(initialCounterBlock));
        }

        var core = Aes128Core.Create(key, implementation);
        var counter = BinaryPrimitives.ReadUInt128BigEndian(initialCounterBlock);
        Span<byte> chunk = stackalloc byte[ChunkBlocks * Aes128Core.BlockLength];
        while (destination.Length > 0)
        {
            var blocks = Math.Min(ChunkBlocks, (destination.Length + Aes128Core.BlockLength - 1) / Aes128Core.BlockLength);
            var bytes = chunk[..(blocks * Aes128Core.BlockLength)];
            for (var b = 0; b < blocks; b++)
            {
                BinaryPrimitives.WriteUInt128BigEndian(bytes.Slice(b * Aes128Core.BlockLength, Aes128Core.BlockLength), counter);
                counter++;
            }

            core.EncryptBlocks(bytes, bytes);
            var n = Math.Min(bytes.Length, destination.Length);
            bytes[..n].CopyTo(destination);
            destination = destination[n..];
        }

        CryptographicOperations.ZeroMemory(chunk);
    }
}
