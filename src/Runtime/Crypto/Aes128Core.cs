using System.Runtime.InteropServices;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// The AES-128 block function under one key, in one of two implementations. Callers pass whole
/// blocks (multiples of 16 bytes); the CTR keystreams of <see cref="AesPrg"/> and <see cref="AesCtr"/>
/// are built on it.
/// </summary>
internal abstract class Aes128Core
{
    public const int KeyLength = 16;
    public const int BlockLength = 16;

    /// <summary>True when <see cref="AesImplementation.AesNi"/> can run on this CPU.</summary>
    public static bool IsAesNiSupported => X86Aes.IsSupported;

    /// <summary>Expands <paramref name="key"/> for the requested implementation.</summary>
    public static Aes128Core Create(ReadOnlySpan<byte> key, AesImplementation implementation)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"an AES-128 key is {KeyLength} bytes, got {key.Length}", nameof(key));
        }

        return implementation switch
        {
            AesImplementation.Auto => IsAesNiSupported ? new AesNiCore(key) : new PortableAesCore(key),
            AesImplementation.AesNi => IsAesNiSupported
                ? new AesNiCore(key)
                : throw new PlatformNotSupportedException("this CPU has no AES-NI; use AesImplementation.Portable or Auto"),
            AesImplementation.Portable => new PortableAesCore(key),
            _ => throw new ArgumentOutOfRangeException(nameof(implementation)),
        };
    }

    public abstract AesImplementation Implementation { get; }

    /// <summary>Encrypts whole blocks independently (ECB); <paramref name="input"/> may be <paramref name="output"/>.</summary>
    public abstract void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>
    /// Writes E(c), E(c + 1), ... for the 128-bit little-endian counter blocks c = <paramref name="firstBlock"/>
    /// (upper 64 bits zero) into <paramref name="output"/>, whose length is a multiple of 16. The caller
    /// guarantees that the low 64 bits do not wrap.
    /// </summary>
    public abstract void LittleEndianCounterKeystream(ulong firstBlock, Span<byte> output);

    protected static void CheckWholeBlocks(int length)
    {
        if (length % BlockLength != 0)
        {
            throw new ArgumentException($"AES works on whole {BlockLength}-byte blocks, got {length} bytes");
        }
    }

    /// <summary>Writes the counter blocks themselves (little-endian 128-bit integers) into <paramref name="output"/>.</summary>
    protected static void WriteLittleEndianCounters(ulong firstBlock, Span<byte> output)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(output);
        for (var i = 0; i < words.Length; i += 2)
        {
            words[i] = BitConverter.IsLittleEndian ? firstBlock : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(firstBlock);
            words[i + 1] = 0;
            firstBlock++;
        }
    }
}
