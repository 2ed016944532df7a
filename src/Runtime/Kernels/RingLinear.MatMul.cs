using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    internal static void MatMul<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckMatMul(a.Length, b.Length, c.Length, m, k, n);
        var length = PackedLength(k, n, PanelWidth<T>(width));
        var rented = ArrayPool<T>.Shared.Rent(length);
        try
        {
            PackPanels(b, k, n, PanelWidth<T>(width), rented.AsSpan(0, length));
            MatMulPacked(a, rented, c, m, k, n, accumulate, width);
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
            switch (VectorWidths.Supported<T>(width))
            {
                case VectorWidth.Vector512:
                    MatMulCore<T, Vector512<T>, Gemm512<T>>(pa, pb, pc, m, k, n, accumulate);
                    break;
                case VectorWidth.Vector256:
                    MatMulCore<T, Vector256<T>, Gemm256<T>>(pa, pb, pc, m, k, n, accumulate);
                    break;
                case VectorWidth.Vector128:
                    MatMulCore<T, Vector128<T>, Gemm128<T>>(pa, pb, pc, m, k, n, accumulate);
                    break;
                default:
                    MatMulCore<T, T, GemmScalar<T>>(pa, pb, pc, m, k, n, accumulate);
                    break;
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
