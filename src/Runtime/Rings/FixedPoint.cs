using System.Numerics;

namespace Mpc.Runtime.Rings;

/// <summary>
/// Fixed-point encoding in Z_2^k: v is stored as round(v * 2^f) in two's complement, so negative
/// values are large ring elements. The caller chooses f (fractional bits).
/// </summary>
/// <remarks>Scalar reference bodies; vectorised versions keep these signatures.</remarks>
public static class FixedPoint
{
    /// <summary>Bits of the ring element type <typeparamref name="T"/> (32 or 64).</summary>
    public static int RingBits<T>()
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => T.AllBitsSet.GetByteCount() * 8;

    /// <summary>
    /// Encodes <paramref name="value"/> with <paramref name="fracBits"/> fractional bits, rounding to
    /// nearest. Throws <see cref="OverflowException"/> when |round(v * 2^f)| needs more than k - 1 bits
    /// (or v is not finite): an out-of-range value must never wrap silently.
    /// </summary>
    public static T Encode<T>(double value, int fracBits)
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

    /// <summary>Decodes a two's-complement ring element with <paramref name="fracBits"/> fractional bits.</summary>
    public static double Decode<T>(T value, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bits = RingBits<T>();
        var negative = (value >> (bits - 1)) == T.One;
        var magnitude = negative ? T.Zero - value : value;
        // For the most negative value 2^(k-1), 0 - v is v itself, whose magnitude is right as unsigned.
        var d = Math.ScaleB((double)ulong.CreateTruncating(magnitude), -fracBits);
        return negative ? -d : d;
    }

    public static void Encode<T>(ReadOnlySpan<float> values, int fracBits, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(values.Length, destination.Length);
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = Encode<T>(values[i], fracBits);
        }
    }

    public static void Decode<T>(ReadOnlySpan<T> values, int fracBits, Span<float> destination)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckLengths(values.Length, destination.Length);
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = (float)Decode(values[i], fracBits);
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
