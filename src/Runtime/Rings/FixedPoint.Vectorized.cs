using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Rings;

/// <summary>
/// The span paths. One step handles one register of floats: widened to two registers of doubles,
/// scaled, rounded to even (vrndscalepd), range-checked, converted to int64 (vcvtpd2qq) and stored
/// as two registers of ulong or narrowed to one register of uint; decode runs the same way back.
/// A step whose range check fails is redone by the scalar code, which throws for the first bad value.
/// </summary>
public static partial class FixedPoint
{
    internal static void Encode<T>(ReadOnlySpan<float> values, int fracBits, Span<T> destination, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckFracBits<T>(fracBits);
        CheckLengths(values.Length, destination.Length);
        var i = typeof(T) == typeof(ulong) || typeof(T) == typeof(uint) ? EncodeVectors(values, fracBits, destination, width) : 0;
        for (; i < values.Length; i++)
        {
            destination[i] = EncodeUnchecked<T>(values[i], fracBits);
        }
    }

    internal static void Decode<T>(ReadOnlySpan<T> values, int fracBits, Span<float> destination, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckFracBits<T>(fracBits);
        CheckLengths(values.Length, destination.Length);
        var i = typeof(T) == typeof(ulong) || typeof(T) == typeof(uint) ? DecodeVectors(values, fracBits, destination, width) : 0;
        for (; i < values.Length; i++)
        {
            destination[i] = (float)DecodeUnchecked(values[i], fracBits);
        }
    }

    /// <summary>Encodes whole registers, widest first; returns how many values it did.</summary>
    private static int EncodeVectors<T>(ReadOnlySpan<float> values, int fracBits, Span<T> destination, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ref var src = ref MemoryMarshal.GetReference(values);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)values.Length;
        nuint i = 0;
        var scale = Math.ScaleB(1.0, fracBits);
        var limit = Math.ScaleB(1.0, RingBits<T>() - 1);

        if (width >= VectorWidth.Vector512)
        {
            var step = (nuint)Vector512<float>.Count;
            for (; i + step <= n; i += step)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref src, i));
                lo = Vector512.Round(lo * scale);
                hi = Vector512.Round(hi * scale);
                var inRange = Vector512.LessThan(lo, Vector512.Create(limit)) & Vector512.GreaterThanOrEqual(lo, Vector512.Create(-limit)) &
                    Vector512.LessThan(hi, Vector512.Create(limit)) & Vector512.GreaterThanOrEqual(hi, Vector512.Create(-limit));
                if (inRange.AsInt64() != Vector512<long>.AllBitsSet)
                {
                    ThrowForStep<T>(values.Slice((int)i, (int)step), fracBits);
                }

                Store(Vector512.ConvertToInt64(lo), Vector512.ConvertToInt64(hi), ref dst, i);
            }
        }

        if (width >= VectorWidth.Vector256)
        {
            var step = (nuint)Vector256<float>.Count;
            for (; i + step <= n; i += step)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref src, i));
                lo = Vector256.Round(lo * scale);
                hi = Vector256.Round(hi * scale);
                var inRange = Vector256.LessThan(lo, Vector256.Create(limit)) & Vector256.GreaterThanOrEqual(lo, Vector256.Create(-limit)) &
                    Vector256.LessThan(hi, Vector256.Create(limit)) & Vector256.GreaterThanOrEqual(hi, Vector256.Create(-limit));
                if (inRange.AsInt64() != Vector256<long>.AllBitsSet)
                {
                    ThrowForStep<T>(values.Slice((int)i, (int)step), fracBits);
                }

                Store(Vector256.ConvertToInt64(lo), Vector256.ConvertToInt64(hi), ref dst, i);
            }
        }

        if (width >= VectorWidth.Vector128)
        {
            var step = (nuint)Vector128<float>.Count;
            for (; i + step <= n; i += step)
            {
                var (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref src, i));
                lo = Vector128.Round(lo * scale);
                hi = Vector128.Round(hi * scale);
                var inRange = Vector128.LessThan(lo, Vector128.Create(limit)) & Vector128.GreaterThanOrEqual(lo, Vector128.Create(-limit)) &
                    Vector128.LessThan(hi, Vector128.Create(limit)) & Vector128.GreaterThanOrEqual(hi, Vector128.Create(-limit));
                if (inRange.AsInt64() != Vector128<long>.AllBitsSet)
                {
                    ThrowForStep<T>(values.Slice((int)i, (int)step), fracBits);
                }

                Store(Vector128.ConvertToInt64(lo), Vector128.ConvertToInt64(hi), ref dst, i);
            }
        }

        return (int)i;
    }

    /// <summary>Decodes whole registers, widest first; returns how many values it did.</summary>
    private static int DecodeVectors<T>(ReadOnlySpan<T> values, int fracBits, Span<float> destination, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ref var src = ref MemoryMarshal.GetReference(values);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)values.Length;
        nuint i = 0;
        var scale = Math.ScaleB(1.0, -fracBits);

        if (width >= VectorWidth.Vector512)
        {
            for (var step = (nuint)Vector512<float>.Count; i + step <= n; i += step)
            {
                Load(ref src, i, out Vector512<long> lo, out Vector512<long> hi);
                Vector512.Narrow(Vector512.ConvertToDouble(lo) * scale, Vector512.ConvertToDouble(hi) * scale).StoreUnsafe(ref dst, i);
            }
        }

        if (width >= VectorWidth.Vector256)
        {
            for (var step = (nuint)Vector256<float>.Count; i + step <= n; i += step)
            {
                Load(ref src, i, out Vector256<long> lo, out Vector256<long> hi);
                Vector256.Narrow(Vector256.ConvertToDouble(lo) * scale, Vector256.ConvertToDouble(hi) * scale).StoreUnsafe(ref dst, i);
            }
        }

        if (width >= VectorWidth.Vector128)
        {
            for (var step = (nuint)Vector128<float>.Count; i + step <= n; i += step)
            {
                Load(ref src, i, out Vector128<long> lo, out Vector128<long> hi);
                Vector128.Narrow(Vector128.ConvertToDouble(lo) * scale, Vector128.ConvertToDouble(hi) * scale).StoreUnsafe(ref dst, i);
            }
        }

        return (int)i;
    }

    /// <summary>Stores two registers of int64 at element i: as they are for ulong, narrowed (exact after the range check) for uint.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector512<long> lo, Vector512<long> hi, ref T destination, nuint i)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i);
            hi.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i + (nuint)Vector512<long>.Count);
        }
        else
        {
            Vector512.Narrow(lo, hi).StoreUnsafe(ref Unsafe.As<T, int>(ref destination), i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector256<long> lo, Vector256<long> hi, ref T destination, nuint i)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i);
            hi.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i + (nuint)Vector256<long>.Count);
        }
        else
        {
            Vector256.Narrow(lo, hi).StoreUnsafe(ref Unsafe.As<T, int>(ref destination), i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(Vector128<long> lo, Vector128<long> hi, ref T destination, nuint i)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i);
            hi.StoreUnsafe(ref Unsafe.As<T, long>(ref destination), i + (nuint)Vector128<long>.Count);
        }
        else
        {
            Vector128.Narrow(lo, hi).StoreUnsafe(ref Unsafe.As<T, int>(ref destination), i);
        }
    }

    /// <summary>Loads the signed readings of the elements at i as two registers of int64 (uint is sign-extended).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<T>(ref T source, nuint i, out Vector512<long> lo, out Vector512<long> hi)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo = Vector512.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i);
            hi = Vector512.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i + (nuint)Vector512<long>.Count);
        }
        else
        {
            (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref Unsafe.As<T, int>(ref source), i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<T>(ref T source, nuint i, out Vector256<long> lo, out Vector256<long> hi)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo = Vector256.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i);
            hi = Vector256.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i + (nuint)Vector256<long>.Count);
        }
        else
        {
            (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, int>(ref source), i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Load<T>(ref T source, nuint i, out Vector128<long> lo, out Vector128<long> hi)
    {
        if (typeof(T) == typeof(ulong))
        {
            lo = Vector128.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i);
            hi = Vector128.LoadUnsafe(ref Unsafe.As<T, long>(ref source), i + (nuint)Vector128<long>.Count);
        }
        else
        {
            (lo, hi) = Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.As<T, int>(ref source), i));
        }
    }

    /// <summary>Finds the value the vector check rejected and throws its scalar error.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowForStep<T>(ReadOnlySpan<float> step, int fracBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        foreach (var v in step)
        {
            EncodeUnchecked<T>(v, fracBits);
        }

        throw new InvalidOperationException("the vector range check and the scalar one disagree");
    }
}
