using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Mpc.Runtime.Kernels;
using Xunit;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// The independent side of every kernel test: ring elements as BigInteger reduced mod 2^k, random
/// inputs salted with the values where wraparound and sign bugs show (0, 1, -1, 2^(k-1), 2^(k-1) - 1),
/// and the lengths every kernel is run at (0 .. 4 Vector512 registers + 3, so that each width's main
/// loop, its unrolled pair and every narrower tail run).
/// </summary>
internal static class RingReference
{
    public static TheoryData<int> Widths()
    {
        var data = new TheoryData<int>();
        foreach (var w in VectorWidths.All)
        {
            data.Add((int)w);
        }

        return data;
    }

    public static int Bits<T>() => Unsafe.SizeOf<T>() * 8;

    /// <summary>0, 1, ..., 4 * (elements per Vector512) + 3.</summary>
    public static IEnumerable<int> Lengths<T>()
        where T : unmanaged => Enumerable.Range(0, (4 * Vector512<T>.Count) + 4);

    public static BigInteger Modulus<T>() => BigInteger.One << Bits<T>();

    public static BigInteger ToBig<T>(T value)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => BigInteger.CreateTruncating(value);

    public static T FromBig<T>(BigInteger value)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var m = Modulus<T>();
        var r = ((value % m) + m) % m;
        return T.CreateTruncating(r);
    }

    /// <summary>The two's-complement (signed) reading of a ring element.</summary>
    public static BigInteger Signed<T>(T value)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var v = ToBig(value);
        return v >= (Modulus<T>() >> 1) ? v - Modulus<T>() : v;
    }

    public static T[] Random<T>(Random rng, int length)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var half = BigInteger.One << (Bits<T>() - 1);
        T[] special = [T.Zero, T.One, T.AllBitsSet, FromBig<T>(half), FromBig<T>(half - 1)];
        var result = new T[length];
        var bytes = new byte[Unsafe.SizeOf<T>()];
        for (var i = 0; i < length; i++)
        {
            if (rng.Next(4) == 0)
            {
                result[i] = special[rng.Next(special.Length)];
            }
            else
            {
                rng.NextBytes(bytes);
                result[i] = T.ReadLittleEndian(bytes, isUnsigned: true);
            }
        }

        return result;
    }

    /// <summary>Asserts equality and names the first differing index (xUnit's array diff hides it for long arrays).</summary>
    public static void Equal<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{what}: index {i} of {expected.Length}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }
}
