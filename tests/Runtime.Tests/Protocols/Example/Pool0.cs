using Mpc.Runtime.Kernels;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>pool0: 2x2 pooling, stride 2, VALID: max (securenn) or average (its divisor 4 folded into dense1's weights).</summary>
internal static class Pool0
{
    public const string Name = "pool0";
    public const int InputLength = 1 * 8 * 8 * 4;
    public const int OutputLength = 1 * 4 * 4 * 4;
    public const int Divisor = 2 * 2;

    public static readonly PoolGeometry Geometry = new(
        Batch: 1, InH: 8, InW: 8, Channels: 4, KH: 2, KW: 2,
        StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0);

    public static void RunMax(Protocol p, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        using var step = p.Step(Name);
        p.MaxPool(Geometry, x, y);
    }

    public static void RunAverage(Protocol p, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        using var step = p.Step(Name);
        p.SumPool(Geometry, x, y);
    }
}
