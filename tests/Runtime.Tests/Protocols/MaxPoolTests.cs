using Mpc.Runtime.Kernels;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

public sealed class MaxPoolTests
{
    public static TheoryData<PoolGeometry> Geometries => new()
    {
        new PoolGeometry(1, 4, 4, 2, 2, 2, 2, 2, 0, 0, 0, 0),      // 2x2 stride 2, 2 levels
        new PoolGeometry(2, 5, 5, 1, 3, 3, 2, 2, 1, 1, 1, 1),      // 3x3 stride 2 SAME: windows of 4, 6 and 9
        new PoolGeometry(1, 3, 3, 3, 3, 3, 1, 1, 0, 0, 0, 0),      // global 3x3, 4 levels
        new PoolGeometry(1, 3, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0),      // 1x1: no comparison at all
        new PoolGeometry(1, 4, 5, 2, 2, 3, 1, 2, 0, 0, 0, 1),      // rectangular, odd windows
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void MaxPoolMatchesPlaintext(PoolGeometry g)
    {
        var x = TestValues.Signed(g.InputLength, 50, g.InputLength);
        x[0] = x[1]; // ties
        var got = Shares.Compute(ThreeParties.SecureNN, x, (p, s) =>
        {
            var y = p.Alloc(g.OutputLength);
            p.MaxPool(g, s, y);
            return y;
        });
        Assert.Equal(PlainMaxPool(g, x), got);
    }

    [Fact]
    public void SumPoolAddsTheValidPositions()
    {
        var g = new PoolGeometry(1, 5, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = TestValues.Ring(g.InputLength, 3);
        var got = Shares.Compute(ThreeParties.Pond, x, (p, s) =>
        {
            var y = p.Alloc(g.OutputLength);
            p.SumPool(g, s, y);
            return y;
        });
        var windows = PoolWindows.Get(g);
        Assert.Equal(Enumerable.Range(0, g.OutputLength).Select(o => windows.Window(o).ToArray().Aggregate(0UL, (acc, i) => acc + x[i])), got);
        Assert.Equal(4, windows.Size(0));
        Assert.Equal(9, windows.Size(g.OutputLength - 1 - 2 - (3 * 2)));
    }

    [Fact]
    public void PondHasNoMaxPool()
    {
        var g = new PoolGeometry(1, 2, 2, 1, 2, 2, 2, 2, 0, 0, 0, 0);
        var messages = ThreeParties.Run(ThreeParties.Pond, p =>
            Assert.Throws<MpcInputException>(() => p.MaxPool(g, p.Alloc(4), p.Alloc(1))).Message);
        Assert.All(messages, m => Assert.Contains("securenn", m));
    }

    private static ulong[] PlainMaxPool(PoolGeometry g, ulong[] x)
    {
        var windows = PoolWindows.Get(g);
        return [.. Enumerable.Range(0, g.OutputLength).Select(o => (ulong)windows.Window(o).ToArray().Max(i => (long)x[i]))];
    }
}
