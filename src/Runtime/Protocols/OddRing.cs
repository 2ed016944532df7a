namespace Mpc.Runtime.Protocols;

/// <summary>
/// Arithmetic in Z_(2^64 - 1), SecureNN's odd ring Z_(L-1): elements are <c>ulong</c> values in
/// [0, 2^64 - 2]. Because the modulus is odd, doubling is a bijection whose result is odd exactly
/// when the input is at least 2^63 (the LSB of 2a mod (L-1) is the MSB of a), the fact ComputeMSB
/// rests on. And because L = 2^64 is 1 mod (L-1), an additive Z_L sharing whose reconstruction did
/// not wrap is already a Z_(L-1) sharing (ShareConvert's job is to find and remove the wrap).
/// </summary>
internal static class OddRing
{
    /// <summary>The modulus 2^64 - 1.</summary>
    public const ulong Modulus = ulong.MaxValue;

    /// <summary>Maps any 64-bit value to its residue (only 2^64 - 1 itself changes, to 0).</summary>
    public static ulong Reduce(ulong v) => v == Modulus ? 0 : v;

    public static ulong Add(ulong a, ulong b)
    {
        // a, b <= M - 1 with M = 2^64 - 1. If the 64-bit sum wraps, a + b - 2^64 + 1 = a + b - M is the residue.
        var s = a + b;
        if (s < a)
        {
            s++;
        }

        return s == Modulus ? 0 : s;
    }

    public static ulong Sub(ulong a, ulong b) => a >= b ? a - b : a - b - 1;

    public static ulong Neg(ulong a) => a == 0 ? 0 : Modulus - a;

    public static ulong Double(ulong a) => Add(a, a);
}
