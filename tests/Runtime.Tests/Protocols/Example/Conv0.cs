using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>conv0: Conv2D 3x3, 2 -> 4 channels, stride 1, SAME padding, bias; rescaled from 2f to f fractional bits.</summary>
internal static class Conv0
{
    public const string Name = "conv0";
    public const int InputLength = 1 * 8 * 8 * 2;
    public const int OutputLength = 1 * 8 * 8 * 4;
    public const int FilterLength = 3 * 3 * 2 * 4;
    public const int BiasLength = 4;
    public const int TruncateBits = 12;

    public static readonly Conv2DGeometry Geometry = new(
        Batch: 1, InH: 8, InW: 8, InC: 2, OutC: 4, KH: 3, KW: 3,
        StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);

    /// <summary>Once per model load: receive this server's weight shares from the model owner, open F = W - B.</summary>
    public static LinearHandle Load(Protocol p, IChannel? owner)
    {
        using var step = p.Step(Name);
        var filter = p.Alloc(FilterLength);
        p.ReceiveWeights(owner, FilterLength, filter);
        var bias = p.Alloc(BiasLength);
        p.ReceiveWeights(owner, BiasLength, bias);
        return p.PrepareConv2D(Geometry, filter, bias);
    }

    public static void Run(Protocol p, LinearHandle h, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        using var step = p.Step(Name);
        p.Conv2D(h, x, y);
        p.Truncate(OutputLength, y, y, TruncateBits, TruncationMethod.Helper);
    }
}
