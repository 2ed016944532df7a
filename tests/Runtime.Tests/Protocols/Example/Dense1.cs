using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>dense1: flatten (NHWC order) then MatMul 64 -> 3 with bias: the logits, rescaled to f fractional bits.</summary>
internal static class Dense1
{
    public const string Name = "dense1";
    public const int Rows = 1;
    public const int Inner = 4 * 4 * 4;
    public const int Columns = 3;
    public const int InputLength = Rows * Inner;
    public const int OutputLength = Rows * Columns;
    public const int WeightLength = Inner * Columns;
    public const int TruncateBits = 12;

    public static LinearHandle Load(Protocol p, IChannel? owner)
    {
        using var step = p.Step(Name);
        var weights = p.Alloc(WeightLength);
        p.ReceiveWeights(owner, WeightLength, weights);
        var bias = p.Alloc(Columns);
        p.ReceiveWeights(owner, Columns, bias);
        return p.PrepareMatMul(Rows, Inner, Columns, weights, bias);
    }

    public static void Run(Protocol p, LinearHandle h, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        using var step = p.Step(Name);
        p.MatMul(h, x, y);
        p.Truncate(OutputLength, y, y, TruncateBits, TruncationMethod.Helper);
    }
}
