using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// Matrix product driver: packs B into NR-wide panels (unless it came packed), then walks
/// panel blocks × k blocks × MR-row tiles and calls the micro-kernel per panel. Blocking keeps one
/// k block of the current panels (at most <see cref="PanelBlockBytes"/>) in L2 while every row
/// tile of A streams past it.
/// </summary>
public static partial class RingLinear
{
    /// <summary>At most this many k steps per block of a matrix product (C is read and written once per block); k is split evenly.</summary>
    internal const int KBlock = ConvPlan.TargetPassK;

    /// <summary>Bytes of packed B that one block keeps hot in the 1 MB L2 (the convolution's measured choice).</summary>
    internal const int PanelBlockBytes = ConvPlan.FilterBlockBytes;

    /// <summary>
    /// Up to this many columns a matrix product is n dot products per row over contiguous k (B
    /// transposed) instead of panels padded to NR: the skin model's 18432×2 dense layer would
    /// otherwise do 4-16 times the work on zero padding and repeated rows.
    /// </summary>
    internal const int DotMaxColumns = 4;

    internal static bool UsesDotProducts(int columns) => columns <= DotMaxColumns;

    internal static int PanelWidth<T>(VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        GemmMicroKernel.Registers * VectorWidths.Lanes<T>(VectorWidths.Supported<T>(width));

    internal static int PackedLength(int k, int n, int panelWidth) => checked((n + panelWidth - 1) / panelWidth * k * panelWidth);

    /// <summary>Panel p holds columns [p·NR, p·NR + NR) of every row, row after row; missing columns are 0.</summary>
    internal static void PackPanels<T>(ReadOnlySpan<T> b, int k, int n, int panelWidth, Span<T> panels)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var offset = 0;
        for (var j0 = 0; j0 < n; j0 += panelWidth)
        {
            var width = Math.Min(panelWidth, n - j0);
            for (var p = 0; p < k; p++, offset += panelWidth)
            {
                b.Slice((p * n) + j0, width).CopyTo(panels.Slice(offset, width));
                panels.Slice(offset + width, panelWidth - width).Clear();
            }
        }
    }

    /// <summary>Row-major k×n into n×k.</summary>
    internal static void Transpose<T>(ReadOnlySpan<T> b, int k, int n, Span<T> transposed)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        for (var p = 0; p < k; p++)
        {
            for (var j = 0; j < n; j++)
            {
                transposed[(j * k) + p] = b[(p * n) + j];
            }
        }
    }

    internal static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckMatMul(a.Length, b.Length, c.Length, m, k, n);
        var dot = UsesDotProducts(n);
        var length = dot ? k * n : PackedLength(k, n, PanelWidth<T>(width));
        var rented = ArrayPool<T>.Shared.Rent(length);
        try
        {
            if (dot)
            {
                Transpose(b, k, n, rented);
                MatMulDot(a, rented, c, m, k, n, accumulate, width);
            }
            else
            {
                PackPanels(b, k, n, PanelWidth<T>(width), rented.AsSpan(0, length));
                MatMulPacked(a, rented, c, m, k, n, accumulate, width);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    internal static unsafe void MatMulPacked<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> panels, Span<T> c, int m, int k, int n, bool accumulate, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c.Clear();
            }

            return;
        }

        fixed (T* pa = a, pb = panels, pc = c)
        {
            GemmDispatch.Run<T, MatMulBody<T>>(width, new MatMulBody<T>(pa, pb, pc, m, k, n, accumulate));
        }
    }

    /// <summary>C = A·B (+ C) with B given transposed (n×k): every C element is one dot product of two contiguous rows.</summary>
    internal static unsafe void MatMulDot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> transposed, Span<T> c, int m, int k, int n, bool accumulate, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        fixed (T* pa = a, pb = transposed, pc = c)
        {
            GemmDispatch.Run<T, DotBody<T>>(width, new DotBody<T>(pa, pb, pc, m, k, n, accumulate));
        }
    }

    private readonly unsafe struct DotBody<T>(T* a, T* transposed, T* c, int m, int k, int n, bool accumulate) : IGemmBody<T>
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        public void Run<TVector, TVec>()
            where TVector : unmanaged
            where TVec : IGemmVector<TVector, T> => DotCore<T, TVector, TVec>(a, transposed, c, m, k, n, accumulate);
    }

    private readonly unsafe struct MatMulBody<T>(T* a, T* panels, T* c, int m, int k, int n, bool accumulate) : IGemmBody<T>
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        public void Run<TVector, TVec>()
            where TVector : unmanaged
            where TVec : IGemmVector<TVector, T> => MatMulCore<T, TVector, TVec>(a, panels, c, m, k, n, accumulate);
    }

    private static unsafe void DotCore<T, TVector, TVec>(T* a, T* transposed, T* c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        var count = TVec.Count;
        for (var i = 0; i < m; i++)
        {
            var row = a + ((nint)i * k);
            for (var j = 0; j < n; j++)
            {
                var column = transposed + ((nint)j * k);
                TVector s0 = TVec.Zero, s1 = TVec.Zero, s2 = TVec.Zero, s3 = TVec.Zero;
                var p = 0;
                for (; p + (4 * count) <= k; p += 4 * count)
                {
                    s0 = TVec.MultiplyAdd(s0, TVec.Load(row + p), TVec.Load(column + p));
                    s1 = TVec.MultiplyAdd(s1, TVec.Load(row + p + count), TVec.Load(column + p + count));
                    s2 = TVec.MultiplyAdd(s2, TVec.Load(row + p + (2 * count)), TVec.Load(column + p + (2 * count)));
                    s3 = TVec.MultiplyAdd(s3, TVec.Load(row + p + (3 * count)), TVec.Load(column + p + (3 * count)));
                }

                for (; p + count <= k; p += count)
                {
                    s0 = TVec.MultiplyAdd(s0, TVec.Load(row + p), TVec.Load(column + p));
                }

                var sum = TVec.Sum(TVec.Add(TVec.Add(s0, s1), TVec.Add(s2, s3)));
                for (; p < k; p++)
                {
                    sum += row[p] * column[p];
                }

                var at = c + ((nint)i * n) + j;
                *at = accumulate ? *at + sum : sum;
            }
        }
    }

    [SkipLocalsInit]
    private static unsafe void MatMulCore<T, TVector, TVec>(T* a, T* panels, T* c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        const int Mr = GemmMicroKernel.Rows;
        var nr = GemmMicroKernel.Registers * TVec.Count;
        var panelCount = (n + nr - 1) / nr;
        var kBlocks = (k + KBlock - 1) / KBlock;
        var kc = (k + kBlocks - 1) / kBlocks;
        var panelsPerBlock = Math.Max(1, PanelBlockBytes / (kc * nr * sizeof(T)));
        var rows = stackalloc T*[Mr];
        var scratch = stackalloc T[Mr * nr];

        for (var p0 = 0; p0 < panelCount; p0 += panelsPerBlock)
        {
            var p1 = Math.Min(panelCount, p0 + panelsPerBlock);
            for (var k0 = 0; k0 < k; k0 += kc)
            {
                var kLen = Math.Min(kc, k - k0);
                var blockAccumulates = accumulate || k0 > 0;
                for (var i0 = 0; i0 < m; i0 += Mr)
                {
                    for (var r = 0; r < Mr; r++)
                    {
                        // Rows past the end repeat the last row: readable, and their results are dropped.
                        rows[r] = a + ((nint)Math.Min(i0 + r, m - 1) * k) + k0;
                    }

                    for (var p = p0; p < p1; p++)
                    {
                        RunTile<T, TVector, TVec>(
                            rows,
                            1,
                            kLen,
                            panels + ((nint)p * k * nr) + ((nint)k0 * nr),
                            c + ((nint)i0 * n) + (p * nr),
                            n,
                            Math.Min(Mr, m - i0),
                            Math.Min(nr, n - (p * nr)),
                            blockAccumulates,
                            scratch);
                    }
                }
            }
        }
    }

    /// <summary>
    /// One MR×NR tile of C. Full tiles go straight to C; edge tiles (fewer rows or columns than a
    /// tile) go through <paramref name="scratch"/> so that nothing outside C is read or written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void RunTile<T, TVector, TVec>(
        T** rows, int taps, int kLen, T* panel, T* c, nint ldc, int validRows, int validColumns, bool accumulate, T* scratch)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        var nr = GemmMicroKernel.Registers * TVec.Count;
        if (validRows == GemmMicroKernel.Rows && validColumns == nr)
        {
            GemmMicroKernel.Run<T, TVector, TVec>(rows, taps, kLen, panel, c, ldc, accumulate);
            return;
        }

        var bytes = (uint)(validColumns * sizeof(T));
        if (accumulate)
        {
            for (var r = 0; r < validRows; r++)
            {
                Unsafe.CopyBlockUnaligned(scratch + (r * nr), c + (r * ldc), bytes);
            }
        }

        GemmMicroKernel.Run<T, TVector, TVec>(rows, taps, kLen, panel, scratch, nr, accumulate);
        for (var r = 0; r < validRows; r++)
        {
            Unsafe.CopyBlockUnaligned(c + (r * ldc), scratch + (r * nr), bytes);
        }
    }
}
