using System.Numerics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Linear algebra over Z_2^k: matrix product and NHWC/HWIO convolution. Wraparound is the ring's
/// reduction. Every entry point runs the register-blocked micro-kernel (<see cref="GemmMicroKernel"/>)
/// at the widest vector width; weights can be packed once (<see cref="Pack{T}(ReadOnlySpan{T}, int, int)"/>,
/// <see cref="PackFilter{T}"/>) to skip the per-call repacking.
/// </summary>
/// <remarks>
/// The protocols compute sums such as conv(E, B_i) + conv(A_i, F): call the second with
/// <c>accumulate: true</c>. The output is read and written once per pass over it anyway, so
/// accumulating costs nothing measurable at the skin model's shapes (docs/BENCHMARKS.md) and no
/// fused two-pair kernel is offered. All entry points are single-threaded and allocation-free apart
/// from pooled scratch (ArrayPool) and the packed matrices themselves; callers parallelise.
/// </remarks>
public static partial class RingLinear
{
    /// <summary>C = A·B (or C += A·B), row-major: A is m×k, B is k×n, C is m×n.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        MatMul(a, b, c, m, k, n, accumulate, MatMulWidth<T>(n));

    /// <summary>C = A·B (or C += A·B) with B packed by <see cref="Pack{T}(ReadOnlySpan{T}, int, int)"/>: A is m×B.Rows, C is m×B.Columns.</summary>
    public static void MatMul<T>(ReadOnlySpan<T> a, PackedRingMatrix<T> b, Span<T> c, int m, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(b);
        CheckMatMul(a.Length, b.Rows * b.Columns, c.Length, m, b.Rows, b.Columns);
        if (b.Transposed)
        {
            MatMulDot(a, b.Panels, c, m, b.Rows, b.Columns, accumulate, b.Width);
        }
        else
        {
            MatMulPacked(a, b.Panels, c, m, b.Rows, b.Columns, accumulate, b.Width);
        }
    }

    /// <summary>2-D convolution (cross-correlation, as TensorFlow's Conv2D): NHWC input, HWIO filter, NHWC output, zero padding.</summary>
    public static void Conv2D<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> filter, Span<T> output, in Conv2DGeometry g, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Conv2D(input, filter, output, g, accumulate, VectorWidths.ForColumns<T>(g.OutC), ConvMethod.Auto);

    /// <summary>Conv2D with the filter packed by <see cref="PackFilter{T}"/> for the same geometry.</summary>
    public static void Conv2D<T>(ReadOnlySpan<T> input, PackedRingMatrix<T> filter, Span<T> output, in Conv2DGeometry g, bool accumulate = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Conv2D(input, filter, output, g, accumulate, ConvMethod.Auto);

    /// <summary>Packs a row-major k×n matrix for <see cref="MatMul{T}(ReadOnlySpan{T}, PackedRingMatrix{T}, Span{T}, int, bool)"/>.</summary>
    public static PackedRingMatrix<T> Pack<T>(ReadOnlySpan<T> b, int k, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Pack(b, k, n, MatMulWidth<T>(n));

    /// <summary>Packs an HWIO filter of geometry <paramref name="g"/> (a (KH·KW·InC)×OutC matrix).</summary>
    public static PackedRingMatrix<T> PackFilter<T>(ReadOnlySpan<T> filter, in Conv2DGeometry g)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        g.Validate();
        var k = g.KH * g.KW * g.InC;
        CheckPack(filter.Length, k, g.OutC);
        return new PackedRingMatrix<T>(filter, k, g.OutC, VectorWidths.ForColumns<T>(g.OutC), allowTransposed: false);
    }

    /// <summary>Packs for MatMul (tiny n is stored transposed for dot products) at an explicit width.</summary>
    internal static PackedRingMatrix<T> Pack<T>(ReadOnlySpan<T> b, int k, int n, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckPack(b.Length, k, n);
        return new PackedRingMatrix<T>(b, k, n, width, allowTransposed: true);
    }

    /// <summary>Packs NR-wide panels whatever n is (conv filters; tests of the panel path).</summary>
    internal static PackedRingMatrix<T> PackPanelsOnly<T>(ReadOnlySpan<T> b, int k, int n, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckPack(b.Length, k, n);
        return new PackedRingMatrix<T>(b, k, n, width, allowTransposed: false);
    }

    /// <summary>Dot products run at the widest width (they vectorise k); panels narrow for few columns.</summary>
    private static VectorWidth MatMulWidth<T>(int columns)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        UsesDotProducts(columns) ? VectorWidths.Widest<T>() : VectorWidths.ForColumns<T>(columns);

    private static void CheckPack(int length, int k, int n)
    {
        if (k < 0 || n < 0 || length != (long)k * n)
        {
            throw new ArgumentException($"packing a {k}x{n} matrix: got length {length}");
        }
    }

    private static void CheckMatMul(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0 || aLength != (long)m * k || bLength != (long)k * n || cLength != (long)m * n)
        {
            throw new ArgumentException($"matmul {m}x{k} * {k}x{n}: got lengths {aLength}, {bLength}, {cLength}");
        }
    }
}
