using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Mpc.Runtime.Kernels;

/// <summary>How the convolution feeds A (the im2col matrix, one row per output pixel) to the micro-kernel.</summary>
internal enum ConvMethod
{
    /// <summary>The measured winner: <see cref="Direct"/> (see <see cref="ConvPlan.For{T}"/>).</summary>
    Auto,

    /// <summary>Row pointers straight into the NHWC input, one set per filter tap; zeros for padding.</summary>
    Direct,

    /// <summary>
    /// Each tile of MR pixels copies its im2col rows (one tap block) into a small buffer first. Kept as
    /// the measured alternative: it loses to <see cref="Direct"/>, mostly by 10-30%, at the skin
    /// model's shapes, the 3-channel first layer included (docs/BENCHMARKS.md): the copy costs more
    /// than the per-tap loop setup it saves.
    /// </summary>
    Im2Col,
}

/// <summary>
/// Blocking of one convolution: output channels in blocks of <paramref name="PanelsPerBlock"/> NR-wide
/// panels, filter taps in blocks of <paramref name="TapsPerBlock"/>. Each block is one pass over all
/// output pixels, which reads and writes that block of the output once; the filter block
/// (taps × InC × panels × NR elements) stays in L2 meanwhile.
/// </summary>
/// <remarks>
/// Measured at the skin model's shapes (docs/BENCHMARKS.md): about 1 K k-steps per pass makes the
/// output traffic negligible (16 bytes per 1 K MACs per output element) while a filter block of at
/// most 256 KB stays in L2 next to the input rows; all 9 taps in one pass of a 512-channel layer
/// (4.6 K k-steps, a 1.2 MB panel) loses 25-40% of the speed, and so does a 1 MB filter block.
/// </remarks>
internal readonly record struct ConvPlan(ConvMethod Method, int TapsPerBlock, int PanelsPerBlock)
{
    /// <summary>k steps per pass to aim for (taps are not split, so a pass has whole taps).</summary>
    internal const int TargetPassK = 1024;

    /// <summary>Filter bytes one pass keeps hot, in the 1 MB L2.</summary>
    internal const int FilterBlockBytes = 256 * 1024;

    /// <summary>Caps the tile's row-pointer table (MR pointers per tap, on the stack).</summary>
    internal const int MaxTapsPerBlock = 64;

    public static ConvPlan For<T>(in Conv2DGeometry g, int panelWidth, ConvMethod method)
        where T : unmanaged
    {
        var taps = g.KH * g.KW;
        var passes = (int)Math.Max(1, (((long)taps * g.InC) + TargetPassK - 1) / TargetPassK);
        var tapsPerBlock = Math.Clamp((taps + passes - 1) / passes, 1, MaxTapsPerBlock);
        var panelCount = (g.OutC + panelWidth - 1) / panelWidth;
        var panelBytes = (long)tapsPerBlock * g.InC * panelWidth * Unsafe.SizeOf<T>();
        var panels = (int)Math.Clamp(FilterBlockBytes / panelBytes, 1, panelCount);
        return new ConvPlan(method == ConvMethod.Auto ? ConvMethod.Direct : method, tapsPerBlock, panels);
    }
}

/// <summary>
/// Convolution driver: implicit GEMM. Output pixels are the M rows, output channels the N columns,
/// (tap, input channel) the K dimension; the HWIO filter is exactly the packed K×N B matrix.
/// </summary>
public static partial class RingLinear
{
    internal static void Conv2D<T>(
        ReadOnlySpan<T> input, ReadOnlySpan<T> filter, Span<T> output, in Conv2DGeometry g, bool accumulate, VectorWidth width, ConvMethod method)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckConv(input.Length, filter.Length, output.Length, g);
        var k = g.KH * g.KW * g.InC;
        var panelWidth = PanelWidth<T>(width);
        var length = PackedLength(k, g.OutC, panelWidth);
        var rented = ArrayPool<T>.Shared.Rent(length);
        try
        {
            PackPanels(filter, k, g.OutC, panelWidth, rented.AsSpan(0, length));
            ConvPacked(input, rented, output, g, accumulate, width, ConvPlan.For<T>(g, panelWidth, method));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    internal static void Conv2D<T>(
        ReadOnlySpan<T> input, PackedRingMatrix<T> filter, Span<T> output, in Conv2DGeometry g, bool accumulate, ConvMethod method)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(filter);
        CheckConv(input.Length, g.FilterLength, output.Length, g);
        if (filter.Transposed || filter.Rows != g.KH * g.KW * g.InC || filter.Columns != g.OutC)
        {
            throw new ArgumentException($"conv2d {g}: the packed filter is {filter.Rows}x{filter.Columns}, not {g.KH * g.KW * g.InC}x{g.OutC} (pack filters with PackFilter)");
        }

        ConvPacked(input, filter.Panels, output, g, accumulate, filter.Width, ConvPlan.For<T>(g, filter.PanelWidth, method));
    }

    internal static unsafe void ConvPacked<T>(
        ReadOnlySpan<T> input, ReadOnlySpan<T> panels, Span<T> output, in Conv2DGeometry g, bool accumulate, VectorWidth width, ConvPlan plan)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        // Direct needs InC zeros to point padded taps at; im2col needs MR rows of one tap block.
        var scratchLength = plan.Method == ConvMethod.Im2Col ? GemmMicroKernel.Rows * plan.TapsPerBlock * g.InC : g.InC;
        var rented = ArrayPool<T>.Shared.Rent(scratchLength);
        try
        {
            rented.AsSpan(0, scratchLength).Clear();
            fixed (T* pi = input, pb = panels, po = output, ps = rented)
            {
                GemmDispatch.Run<T, ConvBody<T>>(width, new ConvBody<T>(pi, pb, po, g, accumulate, plan, ps));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>The arguments of <see cref="ConvCore{T, TVector, TVec}"/>, carried to the width it runs at.</summary>
    private readonly unsafe struct ConvBody<T>(T* input, T* panels, T* output, Conv2DGeometry g, bool accumulate, ConvPlan plan, T* scratch) : IGemmBody<T>
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        public void Run<TVector, TVec>()
            where TVector : unmanaged
            where TVec : IGemmVector<TVector, T> =>
            ConvCore<T, TVector, TVec>(input, panels, output, g, accumulate, plan, scratch);
    }

    [SkipLocalsInit]
    private static unsafe void ConvCore<T, TVector, TVec>(T* input, T* panels, T* output, in Conv2DGeometry g, bool accumulate, ConvPlan plan, T* scratch)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TVector : unmanaged
        where TVec : IGemmVector<TVector, T>
    {
        const int Mr = GemmMicroKernel.Rows;
        var nr = GemmMicroKernel.Registers * TVec.Count;
        int taps = g.KH * g.KW, cin = g.InC, n = g.OutC, outH = g.OutH, outW = g.OutW;
        var k = taps * cin;
        var m = g.Batch * outH * outW;
        var panelCount = (n + nr - 1) / nr;
        var im2col = plan.Method == ConvMethod.Im2Col;
        var rows = stackalloc T*[Mr * plan.TapsPerBlock];
        var tile = stackalloc T[Mr * nr];
        var origins = stackalloc nint[Mr * 3];

        for (var p0 = 0; p0 < panelCount; p0 += plan.PanelsPerBlock)
        {
            var p1 = Math.Min(panelCount, p0 + plan.PanelsPerBlock);
            for (var t0 = 0; t0 < taps; t0 += plan.TapsPerBlock)
            {
                var tapCount = Math.Min(plan.TapsPerBlock, taps - t0);
                var blockAccumulates = accumulate || t0 > 0;
                for (var i0 = 0; i0 < m; i0 += Mr)
                {
                    PixelOrigins(i0, m, outH, outW, g, origins);
                    if (im2col)
                    {
                        FillIm2Col(input, g, origins, t0, tapCount, scratch, rows);
                    }
                    else
                    {
                        FillTapPointers(input, g, origins, t0, tapCount, scratch, rows);
                    }

                    for (var p = p0; p < p1; p++)
                    {
                        RunTile<T, TVector, TVec>(
                            rows,
                            im2col ? 1 : tapCount,
                            im2col ? tapCount * cin : cin,
                            panels + ((nint)p * k * nr) + ((nint)t0 * cin * nr),
                            output + ((nint)i0 * n) + (p * nr),
                            n,
                            Math.Min(Mr, m - i0),
                            Math.Min(nr, n - (p * nr)),
                            blockAccumulates,
                            tile);
                    }
                }
            }
        }
    }

    /// <summary>For each row of the tile: batch, and the input coordinates of its window's top-left tap (may be negative).</summary>
    private static unsafe void PixelOrigins(int i0, int m, int outH, int outW, in Conv2DGeometry g, nint* origins)
    {
        for (var r = 0; r < GemmMicroKernel.Rows; r++)
        {
            // Rows past the end repeat the last pixel: readable, and their results are dropped.
            var q = Math.Min(i0 + r, m - 1);
            var b = Math.DivRem(q, outH * outW, out var rest);
            var oy = Math.DivRem(rest, outW, out var ox);
            origins[3 * r] = b;
            origins[(3 * r) + 1] = (oy * g.StrideH) - g.PadTop;
            origins[(3 * r) + 2] = (ox * g.StrideW) - g.PadLeft;
        }
    }

    /// <summary>rows[(t - t0) * MR + r] = the InC input channels under tap t of pixel r, or zeros in the padding.</summary>
    private static unsafe void FillTapPointers<T>(T* input, in Conv2DGeometry g, nint* origins, int t0, int tapCount, T* zeros, T** rows)
        where T : unmanaged
    {
        for (var t = 0; t < tapCount; t++)
        {
            var ky = Math.DivRem(t0 + t, g.KW, out var kx);
            for (var r = 0; r < GemmMicroKernel.Rows; r++)
            {
                var iy = origins[(3 * r) + 1] + ky;
                var ix = origins[(3 * r) + 2] + kx;
                var inside = (nuint)iy < (nuint)g.InH && (nuint)ix < (nuint)g.InW;
                rows[(t * GemmMicroKernel.Rows) + r] = inside ? input + ((((origins[3 * r] * g.InH) + iy) * g.InW) + ix) * g.InC : zeros;
            }
        }
    }

    /// <summary>Copies each pixel's im2col row segment for taps [t0, t0 + tapCount) into <paramref name="buffer"/>.</summary>
    private static unsafe void FillIm2Col<T>(T* input, in Conv2DGeometry g, nint* origins, int t0, int tapCount, T* buffer, T** rows)
        where T : unmanaged
    {
        var cin = g.InC;
        var bytes = (uint)(cin * sizeof(T));
        for (var r = 0; r < GemmMicroKernel.Rows; r++)
        {
            var row = buffer + (r * tapCount * cin);
            rows[r] = row;
            for (var t = 0; t < tapCount; t++)
            {
                var ky = Math.DivRem(t0 + t, g.KW, out var kx);
                var iy = origins[(3 * r) + 1] + ky;
                var ix = origins[(3 * r) + 2] + kx;
                var destination = row + (t * cin);
                if ((nuint)iy < (nuint)g.InH && (nuint)ix < (nuint)g.InW)
                {
                    Unsafe.CopyBlockUnaligned(destination, input + ((((origins[3 * r] * g.InH) + iy) * g.InW) + ix) * cin, bytes);
                }
                else
                {
                    Unsafe.InitBlockUnaligned(destination, 0, bytes);
                }
            }
        }
    }

    private static void CheckConv(int inputLength, int filterLength, int outputLength, in Conv2DGeometry g)
    {
        g.Validate();
        if (inputLength != g.InputLength || filterLength != g.FilterLength || outputLength != g.OutputLength)
        {
            throw new ArgumentException($"conv2d {g}: got lengths {inputLength}, {filterLength}, {outputLength}");
        }
    }
}
