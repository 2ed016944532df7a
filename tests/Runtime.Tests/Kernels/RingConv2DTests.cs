using System.Numerics;
using System.Runtime.Intrinsics;
using Mpc.Runtime.Kernels;
using Xunit;
using static Mpc.Runtime.Tests.Kernels.RingReference;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// The ring convolution at every register width and with both A feeds (direct tap pointers and
/// tiled im2col), for ulong and uint, against the plain seven-loop convolution: SAME and VALID,
/// asymmetric padding, strides, batches, every output-channel count 0 .. 4 vectors + 3, and forced
/// tap and channel blocking so that the block boundaries and accumulation across them are exercised.
/// </summary>
public sealed class RingConv2DTests
{
    public static TheoryData<int> AllWidths => Widths();

    /// <summary>Geometries chosen for their edges: padding on each side, stride 2 with odd sizes, 1×1 and 2×3 windows.</summary>
    private static readonly Conv2DGeometry[] Geometries =
    [
        new(Batch: 1, InH: 5, InW: 6, InC: 3, OutC: 8, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1),
        new(Batch: 2, InH: 4, InW: 5, InC: 17, OutC: 9, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1),
        new(Batch: 1, InH: 7, InW: 6, InC: 16, OutC: 33, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0),
        new(Batch: 1, InH: 7, InW: 8, InC: 5, OutC: 12, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 1, PadRight: 1),
        new(Batch: 2, InH: 6, InW: 5, InC: 20, OutC: 70, KH: 2, KW: 3, StrideH: 2, StrideW: 1, PadTop: 1, PadLeft: 0, PadBottom: 0, PadRight: 2),
        new(Batch: 1, InH: 3, InW: 4, InC: 1, OutC: 1, KH: 1, KW: 1, StrideH: 1, StrideW: 1, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0),
        new(Batch: 1, InH: 2, InW: 2, InC: 4, OutC: 5, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1),
    ];

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Conv2DMatchesReferenceForEveryGeometryAndMethod(int width)
    {
        foreach (var g in Geometries)
        {
            foreach (var method in new[] { ConvMethod.Direct, ConvMethod.Im2Col, ConvMethod.Auto })
            {
                CheckConv<ulong>((VectorWidth)width, g, method, null);
                CheckConv<uint>((VectorWidth)width, g, method, null);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Conv2DMatchesReferenceAtEveryOutputChannelCount(int width)
    {
        foreach (var outC in Enumerable.Range(1, (4 * Vector512<uint>.Count) + 3))
        {
            var g = new Conv2DGeometry(1, 3, 5, 6, outC, 3, 3, 1, 1, 1, 1, 1, 1);
            CheckConv<ulong>((VectorWidth)width, g, ConvMethod.Direct, null);
            CheckConv<uint>((VectorWidth)width, g, ConvMethod.Im2Col, null);
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Conv2DBlockBoundariesDoNotChangeTheResult(int width)
    {
        // One tap and one panel per block: every tap block after the first accumulates into the output.
        foreach (var g in Geometries)
        {
            foreach (var method in new[] { ConvMethod.Direct, ConvMethod.Im2Col })
            {
                CheckConv<ulong>((VectorWidth)width, g, method, new ConvPlan(method, 1, 1));
                CheckConv<uint>((VectorWidth)width, g, method, new ConvPlan(method, 2, 1));
            }
        }
    }

    [Fact]
    public void PublicConv2DEntryPointsMatchReference()
    {
        var g = new Conv2DGeometry(1, 9, 8, 24, 40, 3, 3, 1, 1, 1, 1, 1, 1);
        var rng = new Random(5);
        var input = Random<ulong>(rng, g.InputLength);
        var filter = Random<ulong>(rng, g.FilterLength);
        var out0 = Random<ulong>(rng, g.OutputLength);

        var output = (ulong[])out0.Clone();
        RingLinear.Conv2D<ulong>(input, filter, output, g);
        Equal<ulong>(RingLinearReference.Conv2D(input, filter, null, g), output, "Conv2D");

        var packed = RingLinear.PackFilter<ulong>(filter, g);
        output = (ulong[])out0.Clone();
        RingLinear.Conv2D<ulong>(input, packed, output, g, accumulate: true);
        Equal<ulong>(RingLinearReference.Conv2D(input, filter, out0, g), output, "packed Conv2D accumulate");
    }

    [Fact]
    public void Conv2DRejectsBadLengthsAndMismatchedFilters()
    {
        var g = new Conv2DGeometry(1, 4, 4, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.Throws<ArgumentException>(() => RingLinear.Conv2D<ulong>(new ulong[g.InputLength - 1], new ulong[g.FilterLength], new ulong[g.OutputLength], g));
        Assert.Throws<ArgumentException>(() => RingLinear.Conv2D<ulong>(new ulong[g.InputLength], new ulong[g.FilterLength], new ulong[g.OutputLength + 1], g));
        var other = g with { InC = 3 };
        var packed = RingLinear.PackFilter<ulong>(new ulong[other.FilterLength], other);
        Assert.Throws<ArgumentException>(() => RingLinear.Conv2D<ulong>(new ulong[g.InputLength], packed, new ulong[g.OutputLength], g));
        Assert.Throws<ArgumentException>(() => RingLinear.Conv2D<ulong>(new ulong[1], new ulong[1], new ulong[1], g with { StrideH = 0 }));
    }

    private static void CheckConv<T>(VectorWidth width, Conv2DGeometry g, ConvMethod method, ConvPlan? plan)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random(g.GetHashCode() + (int)width + Bits<T>());
        var input = Random<T>(rng, g.InputLength);
        var filter = Random<T>(rng, g.FilterLength);
        var out0 = Random<T>(rng, g.OutputLength);
        var what = $"{typeof(T).Name} width {width} {method} {plan} {g}";

        var output = Random<T>(rng, g.OutputLength);
        if (plan is { } p)
        {
            var packed = RingLinear.PackPanelsOnly<T>(filter, g.KH * g.KW * g.InC, g.OutC, width);
            RingLinear.ConvPacked<T>(input, packed.Panels, output, g, accumulate: false, width, p);
            Equal<T>(RingLinearReference.Conv2D(input, filter, null, g), output, what);
            output = (T[])out0.Clone();
            RingLinear.ConvPacked<T>(input, packed.Panels, output, g, accumulate: true, width, p);
            Equal<T>(RingLinearReference.Conv2D(input, filter, out0, g), output, what + " accumulate");
            return;
        }

        RingLinear.Conv2D<T>(input, filter, output, g, accumulate: false, width, method);
        Equal<T>(RingLinearReference.Conv2D(input, filter, null, g), output, what);

        output = (T[])out0.Clone();
        RingLinear.Conv2D<T>(input, RingLinear.PackPanelsOnly<T>(filter, g.KH * g.KW * g.InC, g.OutC, width), output, g, accumulate: true, method);
        Equal<T>(RingLinearReference.Conv2D(input, filter, out0, g), output, what + " prepacked accumulate");
    }
}
