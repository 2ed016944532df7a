using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// A linear layer (Conv2D or MatMul) prepared once per model load by
/// <see cref="Protocol.PrepareConv2D"/> / <see cref="Protocol.PrepareMatMul"/>: the opened masked
/// weights F = W - B and this party's part of the fixed weight mask B, reused by every prediction.
/// </summary>
/// <remarks>
/// Server0 keeps B_0 and F; server1 keeps F + B_1 (so its E-term also covers conv(E, F)) and F;
/// the helper keeps B = B_0 + B_1 to compute C = lin(A, B) for each prediction's fresh input mask A.
/// A handle belongs to one party and may be shared by that party's online and offline protocol instances.
/// </remarks>
public sealed class LinearHandle
{
    private readonly Conv2DGeometry _conv;

    private LinearHandle(bool isConv, Conv2DGeometry conv, int rows, int inner, int columns, int inputLength, int outputLength, int weightLength, int biasLength)
    {
        IsConv = isConv;
        _conv = conv;
        Rows = rows;
        Inner = inner;
        Columns = columns;
        InputLength = inputLength;
        OutputLength = outputLength;
        WeightLength = weightLength;
        BiasLength = biasLength;
    }

    /// <summary>True for Conv2D, false for MatMul.</summary>
    public bool IsConv { get; }

    public Conv2DGeometry Conv2D => IsConv ? _conv : throw new InvalidOperationException("not a Conv2D handle");

    /// <summary>MatMul: rows of the input (batch), inner dimension, columns of the weights.</summary>
    public int Rows { get; }

    public int Inner { get; }

    public int Columns { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    public int WeightLength { get; }

    /// <summary>Bias elements (output channels or columns), broadcast over the output's last dimension.</summary>
    public int BiasLength { get; }

    /// <summary>Multiply-accumulates of one evaluation.</summary>
    public long Macs => IsConv ? _conv.Macs : (long)Rows * Inner * Columns;

    internal ulong[] HelperB { get; set; } = [];

    /// <summary>Servers: the opened F = W - B.</summary>
    internal ulong[] Masked { get; set; } = [];

    /// <summary>Server0: B_0. Server1: F + B_1.</summary>
    internal ulong[] EWeights { get; set; } = [];

    /// <summary>Servers: this server's bias share (empty if the layer has no bias).</summary>
    internal ulong[] Bias { get; set; } = [];

    internal static LinearHandle ForConv2D(in Conv2DGeometry g)
    {
        g.Validate();
        return new LinearHandle(true, g, 0, 0, 0, g.InputLength, g.OutputLength, g.FilterLength, g.OutC);
    }

    internal static LinearHandle ForMatMul(int rows, int inner, int columns)
    {
        if (rows < 1 || inner < 1 || columns < 1)
        {
            throw new ArgumentException($"invalid matmul shape {rows}x{inner} * {inner}x{columns}");
        }

        return new LinearHandle(false, default, rows, inner, columns, rows * inner, rows * columns, inner * columns, columns);
    }

    /// <summary>output (+)= lin(input, weights) with this layer's geometry.</summary>
    internal void Apply(ReadOnlySpan<ulong> input, ReadOnlySpan<ulong> weights, Span<ulong> output, bool accumulate)
    {
        if (IsConv)
        {
            RingLinear.Conv2D(input, weights, output, _conv, accumulate);
        }
        else
        {
            RingLinear.MatMul(input, weights, output, Rows, Inner, Columns, accumulate);
        }
    }
}
