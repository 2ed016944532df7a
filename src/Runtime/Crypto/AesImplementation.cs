namespace Mpc.Runtime.Crypto;

/// <summary>Which AES-128 code computes a keystream. Every choice yields the same bytes.</summary>
public enum AesImplementation
{
    /// <summary>AES-NI when the CPU has it, otherwise <see cref="Portable"/>.</summary>
    Auto = 0,

    /// <summary>x86 AES-NI through <c>System.Runtime.Intrinsics.X86.Aes</c>, eight blocks in flight.</summary>
    AesNi = 1,

    /// <summary><c>System.Security.Cryptography.Aes</c> in ECB mode over counter blocks (OpenSSL, CNG or CommonCrypto).</summary>
    Portable = 2,
}
