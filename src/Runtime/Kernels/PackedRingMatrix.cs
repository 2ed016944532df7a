using System.Numerics;

namespace Mpc.Runtime.Kernels;

/// <summary>
/// A k×n ring matrix (a dense layer's weights, or a conv filter read as (KH·KW·InC)×OutC, which is
/// HWIO flattened) repacked once for the GEMM micro-kernel: column panels NR wide (NR = 4 registers
/// at the machine's widest vector width), each stored k-major and contiguous, the last panel padded
/// with zeros (or, for a matrix of very few columns, transposed for dot products). Weights are fixed per model load, so the protocols pack them once
/// (<see cref="RingLinear.Pack{T}(ReadOnlySpan{T}, int, int)"/>) and reuse them for every prediction.
/// Immutable after construction; safe to share between threads.
/// </summary>
public sealed class PackedRingMatrix<T>
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    internal PackedRingMatrix(ReadOnlySpan<T> b, int rows, int columns, VectorWidth width, bool allowTransposed)
    {
        Rows = rows;
        Columns = columns;
        Width = width;
        PanelWidth = RingLinear.PanelWidth<T>(width);
        Transposed = allowTransposed && RingLinear.UsesDotProducts(columns);
        Panels = GC.AllocateUninitializedArray<T>(Transposed ? rows * columns : RingLinear.PackedLength(rows, columns, PanelWidth), pinned: true);
        if (Transposed)
        {
            RingLinear.Transpose(b, rows, columns, Panels);
        }
        else
        {
            RingLinear.PackPanels(b, rows, columns, PanelWidth, Panels);
        }
    }

    /// <summary>k: rows of the matrix (the reduction dimension).</summary>
    public int Rows { get; }

    /// <summary>n: columns of the matrix (output channels).</summary>
    public int Columns { get; }

    internal VectorWidth Width { get; }

    internal int PanelWidth { get; }

    /// <summary>
    /// A matrix of at most <see cref="RingLinear.DotMaxColumns"/> columns (a dense layer's few outputs)
    /// is stored transposed instead, n rows of k, for the dot-product kernel; conv filters never are.
    /// </summary>
    internal bool Transposed { get; }

    /// <summary>Pinned (pinned object heap), so the kernels take its address without a fixed block.</summary>
    internal T[] Panels { get; }
}
