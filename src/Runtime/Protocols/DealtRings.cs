using Mpc.Runtime.Crypto;

namespace Mpc.Runtime.Protocols;

/// <summary>A ring the dealer shares values over: uniform sampling from a PRG, addition and subtraction.</summary>
internal interface IDealtRing<T>
    where T : unmanaged
{
    static abstract void Fill(AesPrg prg, Span<T> destination);

    static abstract T Add(T a, T b);

    static abstract T Sub(T a, T b);

    static abstract T FromBit(ulong bit);
}

/// <summary>Z_2^64.</summary>
internal readonly struct RingZ2 : IDealtRing<ulong>
{
    public static void Fill(AesPrg prg, Span<ulong> destination) => prg.Fill(destination);

    public static ulong Add(ulong a, ulong b) => a + b;

    public static ulong Sub(ulong a, ulong b) => a - b;

    public static ulong FromBit(ulong bit) => bit;
}

/// <summary>Z_(2^64 - 1).</summary>
internal readonly struct RingOdd : IDealtRing<ulong>
{
    public static void Fill(AesPrg prg, Span<ulong> destination) => Sampling.FillOdd(prg, destination);

    public static ulong Add(ulong a, ulong b) => OddRing.Add(a, b);

    public static ulong Sub(ulong a, ulong b) => OddRing.Sub(a, b);

    public static ulong FromBit(ulong bit) => bit;
}

/// <summary>Z_67, one byte per element.</summary>
internal readonly struct RingZ67 : IDealtRing<byte>
{
    public static void Fill(AesPrg prg, Span<byte> destination) => Sampling.FillZp(prg, destination);

    public static byte Add(byte a, byte b) => Zp.Add(a, b);

    public static byte Sub(byte a, byte b) => Zp.Sub(a, b);

    public static byte FromBit(ulong bit) => (byte)bit;
}
