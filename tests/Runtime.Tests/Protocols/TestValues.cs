using Mpc.Runtime.Rings;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Reproducible test inputs (the shares themselves always come from CSPRNG-seeded PRGs).</summary>
internal static class TestValues
{
    /// <summary>Uniform 64-bit ring elements.</summary>
    public static ulong[] Ring(int n, int seed)
    {
        var random = new Random(seed);
        var values = new ulong[n];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>Signed values uniform in [-2^bits, 2^bits) as ring elements.</summary>
    public static ulong[] Signed(int n, int bits, int seed)
    {
        var random = new Random(seed);
        var values = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = (ulong)random.NextInt64(-(1L << bits), 1L << bits);
        }

        return values;
    }

    /// <summary>Fixed-point encodings of values uniform in [-bound, bound).</summary>
    public static ulong[] Fixed(int n, double bound, int fracBits, int seed)
    {
        var random = new Random(seed);
        var values = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = FixedPoint.Encode<ulong>(((2 * random.NextDouble()) - 1) * bound, fracBits);
        }

        return values;
    }

    /// <summary>floor(x / 2^bits) for x read as two's complement.</summary>
    public static ulong FloorShift(ulong x, int bits) => (ulong)((long)x >> bits);

    public static ulong[] Concat(params ulong[][] parts) => [.. parts.SelectMany(p => p)];
}
