using System.Security.Cryptography;

namespace Mpc.Runtime.Crypto;

/// <summary>
/// AES-128 through <see cref="System.Security.Cryptography.Aes"/> in ECB mode: the platform's
/// library (OpenSSL on Linux) does the rounds, usually with its own hardware path. This is the
/// fallback for CPUs without x86 AES-NI (ARM, for one) and the reference the AES-NI path is tested
/// against.
/// </summary>
internal sealed class PortableAesCore : Aes128Core
{
    private readonly Aes _aes;

    public PortableAesCore(ReadOnlySpan<byte> key)
    {
        var copy = key.ToArray();
        _aes = Aes.Create();
        _aes.Key = copy;
        CryptographicOperations.ZeroMemory(copy);
    }

    public override AesImplementation Implementation => AesImplementation.Portable;

    public override void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output)
    {
        CheckWholeBlocks(input.Length);
        if (input.Length > 0)
        {
            _aes.EncryptEcb(input, output, PaddingMode.None);
        }
    }

    public override void LittleEndianCounterKeystream(ulong firstBlock, Span<byte> output)
    {
        CheckWholeBlocks(output.Length);

        // Counters are written into the destination and encrypted in place (exact overlap is allowed).
        WriteLittleEndianCounters(firstBlock, output);
        EncryptBlocks(output, output);
    }
}
