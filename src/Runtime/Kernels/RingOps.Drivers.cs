using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// The loops. Each driver runs its widest allowed width over as many whole registers as fit, then
/// hands the remainder to the next narrower width and finally to scalar code, so a width never reads
/// or writes past the end and never rereads an element it has written (which in-place calls, where
/// the destination is an input, would otherwise see).
/// </summary>
public static partial class RingOps
{
    internal static void Binary<T, TOperator>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TOperator : IBinaryOperator<T>
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var ry = ref MemoryMarshal.GetReference(y);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)destination.Length;
        nuint i = 0;

        if (VectorWidths.Uses512<T>(width))
        {
            var step = (nuint)Vector512<T>.Count;
            for (; i + (2 * step) <= n; i += 2 * step)
            {
                var a0 = TOperator.Invoke(Vector512.LoadUnsafe(ref rx, i), Vector512.LoadUnsafe(ref ry, i));
                var a1 = TOperator.Invoke(Vector512.LoadUnsafe(ref rx, i + step), Vector512.LoadUnsafe(ref ry, i + step));
                a0.StoreUnsafe(ref rd, i);
                a1.StoreUnsafe(ref rd, i + step);
            }

            for (; i + step <= n; i += step)
            {
                TOperator.Invoke(Vector512.LoadUnsafe(ref rx, i), Vector512.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (VectorWidths.Uses256<T>(width))
        {
            for (var step = (nuint)Vector256<T>.Count; i + step <= n; i += step)
            {
                TOperator.Invoke(Vector256.LoadUnsafe(ref rx, i), Vector256.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (VectorWidths.Uses128<T>(width))
        {
            for (var step = (nuint)Vector128<T>.Count; i + step <= n; i += step)
            {
                TOperator.Invoke(Vector128.LoadUnsafe(ref rx, i), Vector128.LoadUnsafe(ref ry, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = TOperator.Invoke(Unsafe.Add(ref rx, i), Unsafe.Add(ref ry, i));
        }
    }

    internal static void Unary<T, TOperator>(ReadOnlySpan<T> x, Span<T> destination, TOperator op, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TOperator : struct, IUnaryOperator<T>
    {
        CheckLengths(x.Length, destination.Length, destination.Length);
        ref var rx = ref MemoryMarshal.GetReference(x);
        ref var rd = ref MemoryMarshal.GetReference(destination);
        var n = (nuint)destination.Length;
        nuint i = 0;

        if (VectorWidths.Uses512<T>(width))
        {
            var step = (nuint)Vector512<T>.Count;
            for (; i + (2 * step) <= n; i += 2 * step)
            {
                var a0 = op.Invoke(Vector512.LoadUnsafe(ref rx, i));
                var a1 = op.Invoke(Vector512.LoadUnsafe(ref rx, i + step));
                a0.StoreUnsafe(ref rd, i);
                a1.StoreUnsafe(ref rd, i + step);
            }

            for (; i + step <= n; i += step)
            {
                op.Invoke(Vector512.LoadUnsafe(ref rx, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (VectorWidths.Uses256<T>(width))
        {
            for (var step = (nuint)Vector256<T>.Count; i + step <= n; i += step)
            {
                op.Invoke(Vector256.LoadUnsafe(ref rx, i)).StoreUnsafe(ref rd, i);
            }
        }

        if (VectorWidths.Uses128<T>(width))
        {
            for (var step = (nuint)Vector128<T>.Count; i + step <= n; i += step)
            {
                op.Invoke(Vector128.LoadUnsafe(ref rx, i)).StoreUnsafe(ref rd, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref rd, i) = op.Invoke(Unsafe.Add(ref rx, i));
        }
    }

    private static void CheckLengths(int a, int b, int destination)
    {
        if (a != destination || b != destination)
        {
            throw new ArgumentException($"length mismatch: inputs {a} and {b}, destination {destination}");
        }
    }

    /// <summary>Shift counts are checked once: C# would silently reduce a count mod the width.</summary>
    private static void CheckShift<T>(int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var width = Unsafe.SizeOf<T>() * 8;
        if ((uint)bits >= (uint)width)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"a shift of a {width}-bit ring element must be in [0, {width})");
        }
    }
}
