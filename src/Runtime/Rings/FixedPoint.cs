using System.Numerics;
using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Rings;

/// <summary>
/// Fixed-point encoding in Z_2^k: v is stored as round(v * 2^f) in two's complement, so negative
/// values are large ring elements. The caller chooses f (fractional bits), 0 &lt;= f &lt; k.
/// </summary>
/// <remarks>
/// Exact semantics, identical in the scalar and vector paths:
/// <list type="bullet">
/// <item>Encode computes v * 2^f in double (exact: a float or double times a power of two), rounds
/// to the nearest integer with ties to even (2.5 -> 2, -2.5 -> -2, 3.5 -> 4), and throws
/// <see cref="OverflowException"/> unless the result lies in [-2^(k-1), 2^(k-1)) (NaN and infinities
/// throw too): an out-of-range value never wraps silently. For spans the destination is unspecified
/// after a throw.</item>
/// <item>Decode reads the element as a signed k-bit integer s, converts s to the nearest double
/// (ties to even; exact while |s| &lt;= 2^53) and multiplies by 2^-f (exact). The float overload then
/// rounds that double to the nearest float, so a value can be rounded twice.</item>
/// </list>
/// The span overloads run Vector512/256/128 code for ulong and uint, scalar code otherwise.
/// </remarks>
public static partial class FixedPoint
{
    /// <summary>Bits of the ring element type <typeparamref name="T"/> (32 or 64).</summary>
    public static int RingBits<T>()
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => T.AllBitsSet.GetByteCount() * 8;

    /// <summary>Encodes <paramref name="value"/> with <paramref name="fracBits"/> fractional bits (see the type's remarks).</summary>
    public static T Encode<T>(double value, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckFracBits<T>(fracBits);
        return EncodeUnchecked<T>(value, fracBits);
    }

    /// <summary>Decodes a two's-complement ring element with <paramref name="fracBits"/> fractional bits.</summary>
    public static double Decode<T>(T value, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckFracBits<T>(fracBits);
        return DecodeUnchecked(value, fracBits);
    }

    public static void Encode<T>(ReadOnlySpan<float> values, int fracBits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Encode(values, fracBits, destination, VectorWidths.Widest<T>());

    public static void Decode<T>(ReadOnlySpan<T> values, int fracBits, Span<float> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Decode(values, fracBits, destination, VectorWidths.Widest<T>());

    private static T EncodeUnchecked<T>(double value, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bits = RingBits<T>();
        var scaled = Math.Round(value * Math.ScaleB(1.0, fracBits), MidpointRounding.ToEven);
        var limit = Math.ScaleB(1.0, bits - 1);
        if (!double.IsFinite(scaled) || scaled >= limit || scaled < -limit)
        {
            throw new OverflowException($"{value} does not fit a {bits}-bit fixed-point number with {fracBits} fractional bits");
        }

        var magnitude = T.CreateTruncating((ulong)Math.Abs(scaled));
        return scaled < 0 ? T.Zero - magnitude : magnitude;
    }

    private static double DecodeUnchecked<T>(T value, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bits = RingBits<T>();
        var negative = (value >> (bits - 1)) == T.One;
        var magnitude = negative ? T.Zero - value : value;
        // For the most negative value 2^(k-1), 0 - v is v itself, whose magnitude is right as unsigned.
        var d = Math.ScaleB((double)ulong.CreateTruncating(magnitude), -fracBits);
        return negative ? -d : d;
    }

    private static void CheckFracBits<T>(int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if ((uint)fracBits >= (uint)RingBits<T>())
        {
            throw new ArgumentOutOfRangeException(nameof(fracBits), fracBits, $"fractional bits of a {RingBits<T>()}-bit ring must be in [0, {RingBits<T>()})");
        }
    }

    private static void CheckLengths(int source, int destination)
    {
        if (source != destination)
        {
            throw new ArgumentException($"length mismatch: source {source}, destination {destination}");
        }
    }
}
