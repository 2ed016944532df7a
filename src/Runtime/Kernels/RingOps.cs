using System.Numerics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Elementwise arithmetic in the ring Z_2^k of the element type (uint: k = 32, ulong: k = 64).
/// Arithmetic wraps by design; never <c>checked</c>. Inputs first, destination last; lengths are
/// checked once; a destination may be the very same span as an input (exact overlap only).
/// </summary>
/// <remarks>Scalar reference bodies; the SIMD versions keep these signatures.</remarks>
public static class RingOps
{
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] + y[i];
        }
    }

    public static void Sub<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] - y[i];
        }
    }

    public static void Neg<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = T.Zero - x[i];
        }
    }

    public static void Mul<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] * y[i];
        }
    }

    public static void MulScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] * c;
        }
    }

    public static void AddScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] + c;
        }
    }

    /// <summary>Shift right by <paramref name="bits"/>, treating elements as two's-complement signed (sign bit replicated).</summary>
    public static void ShiftRightArithmetic<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        var width = T.AllBitsSet.GetByteCount() * 8;
        for (var i = 0; i < destination.Length; i++)
        {
            var v = x[i];
            var sign = (v >> (width - 1)) == T.One ? T.AllBitsSet : T.Zero;
            destination[i] = bits == 0 ? v : (v >> bits) | (sign << (width - bits));
        }
    }

    public static void ShiftRightLogical<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] >>> bits;
        }
    }

    public static void ShiftLeft<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] << bits;
        }
    }

    public static void Xor<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] ^ y[i];
        }
    }

    public static void And<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = x[i] & y[i];
        }
    }

    private static void CheckLengths(int a, int b, int destination)
    {
        if (a != destination || b != destination)
        {
            throw new ArgumentException($"length mismatch: inputs {a} and {b}, destination {destination}");
        }
    }
}
