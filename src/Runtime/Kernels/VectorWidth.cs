using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// The register width a kernel's main loop uses. Public entry points pass <see cref="VectorWidths.Widest{T}"/>;
/// tests pass each width explicitly so that every path is exercised on any machine (a width the
/// hardware lacks still runs, in software, and must give the same answer).
/// </summary>
internal enum VectorWidth
{
    Scalar = 0,
    Vector128 = 128,
    Vector256 = 256,
    Vector512 = 512,
}

internal static class VectorWidths
{
    /// <summary>All widths, widest first (for tests and benchmarks).</summary>
    public static readonly VectorWidth[] All = [VectorWidth.Vector512, VectorWidth.Vector256, VectorWidth.Vector128, VectorWidth.Scalar];

    /// <summary>The widest width the hardware accelerates for <typeparamref name="T"/> (a JIT-time constant).</summary>
    public static VectorWidth Widest<T>()
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            return VectorWidth.Vector512;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            return VectorWidth.Vector256;
        }

        return Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported ? VectorWidth.Vector128 : VectorWidth.Scalar;
    }

    /// <summary>The widest width no wider than <paramref name="width"/> that has registers of <typeparamref name="T"/>.</summary>
    public static VectorWidth Supported<T>(VectorWidth width)
    {
        if (Uses512<T>(width))
        {
            return VectorWidth.Vector512;
        }

        if (Uses256<T>(width))
        {
            return VectorWidth.Vector256;
        }

        return Uses128<T>(width) ? VectorWidth.Vector128 : VectorWidth.Scalar;
    }

    /// <summary>
    /// The widest accelerated width whose GEMM panel (4 registers) is not mostly padding for
    /// <paramref name="columns"/> columns: a 2-column dense layer packs 8-wide (Vector128 of ulong)
    /// instead of 32-wide. Never narrower than Vector128 when that is accelerated.
    /// </summary>
    public static VectorWidth ForColumns<T>(int columns)
    {
        var width = Widest<T>();
        while (width > VectorWidth.Vector128 && 2 * columns <= 4 * Lanes<T>(width))
        {
            width = width == VectorWidth.Vector512 ? VectorWidth.Vector256 : VectorWidth.Vector128;
        }

        return width;
    }

    /// <summary>Elements of <typeparamref name="T"/> in one register of <paramref name="width"/> (1 for scalar).</summary>
    public static int Lanes<T>(VectorWidth width) => width switch
    {
        VectorWidth.Vector512 => Vector512<T>.Count,
        VectorWidth.Vector256 => Vector256<T>.Count,
        VectorWidth.Vector128 => Vector128<T>.Count,
        _ => 1,
    };

    /// <summary>Whether <paramref name="width"/> can run for <typeparamref name="T"/> at all (UInt128 has no vectors).</summary>
    public static bool Uses512<T>(VectorWidth width) => width >= VectorWidth.Vector512 && Vector512<T>.IsSupported;

    public static bool Uses256<T>(VectorWidth width) => width >= VectorWidth.Vector256 && Vector256<T>.IsSupported;

    public static bool Uses128<T>(VectorWidth width) => width >= VectorWidth.Vector128 && Vector128<T>.IsSupported;
}
