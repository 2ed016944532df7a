namespace Mpc.Runtime.Protocols;

/// <summary>
/// Arithmetic in Z_p with p = 67, the field of SecureNN's PrivateCompare. 67 is the smallest prime
/// above l + 2 = 66 for l = 64 bits, so the integers PrivateCompare forms (at most 65) are zero mod
/// p only when they are zero. Elements travel and are stored as single bytes in [0, 66].
/// </summary>
internal static class Zp
{
    public const int P = 67;

    public static byte Add(byte a, byte b)
    {
        var s = a + b;
        return (byte)(s >= P ? s - P : s);
    }

    public static byte Sub(byte a, byte b)
    {
        var s = a - b;
        return (byte)(s < 0 ? s + P : s);
    }

    public static byte Neg(byte a) => a == 0 ? (byte)0 : (byte)(P - a);

    public static byte Mul(byte a, byte b) => (byte)(a * b % P);
}
