using System.Numerics;
using Mpc.Runtime.Kernels;
using Xunit;
using static Mpc.Runtime.Tests.Kernels.RingReference;

namespace Mpc.Runtime.Tests.Kernels;

/// <summary>
/// The ring GEMM at every register width, for ulong and uint, against plain wrapping loops: every
/// column count 0 .. 4 vectors + 3 (partial and whole NR panels), row counts across the MR tile
/// edge, k across the k block, fresh and accumulating, packed per call and prepacked.
/// </summary>
public sealed class RingLinearTests
{
    public static TheoryData<int> AllWidths => Widths();

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void MatMulMatchesReferenceAtEveryShape(int width)
    {
        CheckMatMulShapes<ulong>((VectorWidth)width);
        CheckMatMulShapes<uint>((VectorWidth)width);
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void MatMulCrossesKAndPanelBlocks(int width)
    {
        // k > KBlock splits the k loop; n large enough for several panel blocks at every width.
        CheckMatMul<ulong>((VectorWidth)width, new Random(1), 6, RingLinear.KBlock + 77, 70);
        CheckMatMul<uint>((VectorWidth)width, new Random(2), 5, (2 * RingLinear.KBlock) + 3, 131);
        var panelBlockColumns = RingLinear.PanelBlockBytes / (RingLinear.KBlock * sizeof(ulong));
        CheckMatMul<ulong>((VectorWidth)width, new Random(3), 3, RingLinear.KBlock, panelBlockColumns + 9);

        // The skin model's dense layer, 18432 -> 2 (dot products), for a batch of 3.
        CheckMatMul<ulong>((VectorWidth)width, new Random(4), 3, 18432, 2);
    }

    [Fact]
    public void PublicMatMulEntryPointsMatchReference()
    {
        var rng = new Random(11);
        const int M = 7, K = 300, N = 45;
        var a = Random<ulong>(rng, M * K);
        var b = Random<ulong>(rng, K * N);
        var c0 = Random<ulong>(rng, M * N);
        var expected = RingLinearReference.MatMul(a, b, c0, M, K, N);

        var c = (ulong[])c0.Clone();
        RingLinear.MatMul<ulong>(a, b, c, M, K, N, accumulate: true);
        Equal<ulong>(expected, c, "MatMul accumulate");

        var packed = RingLinear.Pack<ulong>(b, K, N);
        Assert.Equal((K, N), (packed.Rows, packed.Columns));
        c = (ulong[])c0.Clone();
        RingLinear.MatMul<ulong>(a, packed, c, M, accumulate: true);
        Equal<ulong>(expected, c, "packed MatMul accumulate");

        RingLinear.MatMul<ulong>(a, packed, c, M);
        Equal<ulong>(RingLinearReference.MatMul(a, b, null, M, K, N), c, "packed MatMul");
    }

    [Fact]
    public void MatMulRejectsBadLengths()
    {
        var a = new ulong[6];
        Assert.Throws<ArgumentException>(() => RingLinear.MatMul<ulong>(a, new ulong[6], new ulong[5], 2, 3, 2));
        Assert.Throws<ArgumentException>(() => RingLinear.MatMul<ulong>(a, new ulong[6], new ulong[4], -2, -3, 2));
        var packed = RingLinear.Pack<ulong>(new ulong[6], 3, 2);
        var g = new Conv2DGeometry(1, 1, 1, 3, 2, 1, 1, 1, 1, 0, 0, 0, 0);
        var ex = Assert.Throws<ArgumentException>(() => RingLinear.Conv2D<ulong>(new ulong[3], packed, new ulong[2], g));
        Assert.Contains("PackFilter", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RingLinear.MatMul<ulong>(new ulong[4], packed, new ulong[4], 2));
        Assert.Throws<ArgumentException>(() => RingLinear.Pack<ulong>(new ulong[5], 3, 2));
    }

    private static void CheckMatMulShapes<T>(VectorWidth width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var rng = new Random((int)width + Bits<T>());
        foreach (var n in Lengths<T>())
        {
            foreach (var m in new[] { 0, 1, 3, 4, 5, 9 })
            {
                foreach (var k in new[] { 0, 1, 2, 9 })
                {
                    CheckMatMul<T>(width, rng, m, k, n);
                }
            }
        }
    }

    private static void CheckMatMul<T>(VectorWidth width, Random rng, int m, int k, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var a = Random<T>(rng, m * k);
        var b = Random<T>(rng, k * n);
        var c0 = Random<T>(rng, m * n);
        var what = $"{typeof(T).Name} width {width} {m}x{k}x{n}";

        var c = Random<T>(rng, m * n);
        RingLinear.MatMul<T>(a, b, c, m, k, n, accumulate: false, width);
        Equal<T>(RingLinearReference.MatMul(a, b, null, m, k, n), c, what);

        c = (T[])c0.Clone();
        RingLinear.MatMul<T>(a, b, c, m, k, n, accumulate: true, width);
        var expected = RingLinearReference.MatMul(a, b, c0, m, k, n);
        Equal<T>(expected, c, what + " accumulate");

        c = (T[])c0.Clone();
        RingLinear.MatMul<T>(a, RingLinear.Pack<T>(b, k, n, width), c, m, accumulate: true);
        Equal<T>(expected, c, what + " prepacked accumulate");

        // Few columns take the dot-product path above; the panel path must still be right for them.
        c = (T[])c0.Clone();
        RingLinear.MatMul<T>(a, RingLinear.PackPanelsOnly<T>(b, k, n, width), c, m, accumulate: true);
        Equal<T>(expected, c, what + " prepacked panels accumulate");
    }
}
