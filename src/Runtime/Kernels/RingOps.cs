using System.Numerics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Elementwise arithmetic in the ring Z_2^k of the element type (uint: k = 32, ulong: k = 64).
/// Arithmetic wraps by design; never <c>checked</c>. Inputs first, destination last; lengths are
/// checked once; a destination may be the very same span as an input (exact overlap only).
/// </summary>
/// <remarks>
/// Each operation is a small operator struct (<see cref="IBinaryOperator{T}"/>, <see cref="IUnaryOperator{T}"/>)
/// run by the generic drivers in RingOps.Drivers.cs, widest register first (Vector512, 256, 128, scalar).
/// The internal overloads that take a <see cref="VectorWidth"/> exist for the tests.
/// </remarks>
public static partial class RingOps
{
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Binary<T, AddOperator<T>>(x, y, destination, VectorWidths.Widest<T>());

    public static void Sub<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Binary<T, SubOperator<T>>(x, y, destination, VectorWidths.Widest<T>());

    public static void Neg<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, default(NegOperator<T>), VectorWidths.Widest<T>());

    public static void Mul<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Binary<T, MulOperator<T>>(x, y, destination, VectorWidths.Widest<T>());

    public static void MulScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, new WithScalar<T, MulOperator<T>>(c), VectorWidths.Widest<T>());

    public static void AddScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, new WithScalar<T, AddOperator<T>>(c), VectorWidths.Widest<T>());

    /// <summary>destination = c - x (a public constant minus a share, e.g. 1 - b on one party).</summary>
    public static void SubFromScalar<T>(T c, ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, new WithScalar<T, ReverseSubOperator<T>>(c), VectorWidths.Widest<T>());

    /// <summary>
    /// Shift right by <paramref name="bits"/>, treating elements as two's-complement signed (sign bit
    /// replicated): on shares this is SecureNN's local truncation. <paramref name="bits"/> is in [0, k).
    /// </summary>
    public static void ShiftRightArithmetic<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckShift<T>(bits);
        Unary(x, destination, new ShiftRightArithmeticOperator<T>(bits), VectorWidths.Widest<T>());
    }

    /// <summary>Shift right by <paramref name="bits"/> in [0, k), filling with zeros.</summary>
    public static void ShiftRightLogical<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckShift<T>(bits);
        Unary(x, destination, new ShiftRightLogicalOperator<T>(bits), VectorWidths.Widest<T>());
    }

    /// <summary>Shift left by <paramref name="bits"/> in [0, k) (multiplication by 2^bits in the ring).</summary>
    public static void ShiftLeft<T>(ReadOnlySpan<T> x, int bits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckShift<T>(bits);
        Unary(x, destination, new ShiftLeftOperator<T>(bits), VectorWidths.Widest<T>());
    }

    /// <summary>Bitwise xor: on packed bits (<see cref="BitPacking"/>, T = ulong) the xor of 64 bits per word.</summary>
    public static void Xor<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Binary<T, XorOperator<T>>(x, y, destination, VectorWidths.Widest<T>());

    /// <summary>Bitwise and: on packed bits the and of 64 bits per word.</summary>
    public static void And<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Binary<T, AndOperator<T>>(x, y, destination, VectorWidths.Widest<T>());

    /// <summary>Bitwise xor with a public constant (all bits set flips every bit).</summary>
    public static void XorScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, new WithScalar<T, XorOperator<T>>(c), VectorWidths.Widest<T>());

    /// <summary>Bitwise and with a public constant (a mask).</summary>
    public static void AndScalar<T>(ReadOnlySpan<T> x, T c, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Unary(x, destination, new WithScalar<T, AndOperator<T>>(c), VectorWidths.Widest<T>());
}
