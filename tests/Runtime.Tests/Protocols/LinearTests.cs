using Mpc.Runtime.Kernels;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Beaver linear layers with the fixed weight mask: exact over Z_2^64, so compared exactly with the ring kernels.</summary>
public sealed class LinearTests
{
    private static readonly ulong[] Edges = [0, 1, ulong.MaxValue, 1UL << 63, (1UL << 63) - 1, 2, ulong.MaxValue - 1];

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 4)]
    [InlineData(2, 7, 1)]
    public void MatMulMatchesTheRingKernel(int rows, int inner, int columns)
    {
        var x = TestValues.Concat(Edges, TestValues.Ring((rows * inner) + Edges.Length, rows))[..(rows * inner)];
        var w = TestValues.Concat(Edges.Reverse().ToArray(), TestValues.Ring(inner * columns, 99))[..(inner * columns)];
        var bias = TestValues.Ring(columns, 7);
        var expected = new ulong[rows * columns];
        RingLinear.MatMul<ulong>(x, w, expected, rows, inner, columns);
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] += bias[i % columns];
        }

        var xs = Shares.Split(x);
        var ws = Shares.Split(w);
        var bs = Shares.Split(bias);
        var got = Shares.Reveal(ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var handle = p.PrepareMatMul(rows, inner, columns, Shares.For(p, ws), Shares.For(p, bs));
            var y = p.Alloc(rows * columns);
            p.MatMul(handle, Shares.For(p, xs), y);
            return y;
        }));
        Assert.Equal(expected, got);
    }

    public static TheoryData<Conv2DGeometry> Geometries => new()
    {
        new Conv2DGeometry(1, 4, 4, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1),
        new Conv2DGeometry(2, 5, 5, 3, 4, 3, 3, 2, 2, 1, 1, 1, 1),
        new Conv2DGeometry(1, 6, 5, 1, 2, 2, 3, 2, 1, 0, 0, 1, 1),
        new Conv2DGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2DMatchesTheRingKernel(Conv2DGeometry g)
    {
        var x = TestValues.Concat(Edges, TestValues.Ring(g.InputLength, g.InC))[..g.InputLength];
        var w = TestValues.Ring(g.FilterLength, g.OutC);
        var expected = new ulong[g.OutputLength];
        RingLinear.Conv2D<ulong>(x, w, expected, g);

        var xs = Shares.Split(x);
        var ws = Shares.Split(w);
        var got = Shares.Reveal(ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var handle = p.PrepareConv2D(g, Shares.For(p, ws), []);
            var y = p.Alloc(g.OutputLength);
            p.Conv2D(handle, Shares.For(p, xs), y);
            return y;
        }));
        Assert.Equal(expected, got);
    }

    [Fact]
    public void MaskedWeightsAreOpenedOncePerLoadAndReusedByEveryPrediction()
    {
        var g = new Conv2DGeometry(1, 4, 4, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        var w = TestValues.Ring(g.FilterLength, 1);
        var ws = Shares.Split(w);
        var inputs = Enumerable.Range(0, 3).Select(i => TestValues.Ring(g.InputLength, 10 + i)).ToArray();
        var inputShares = inputs.Select(x => Shares.Split(x)).ToArray();
        var results = ThreeParties.Run(ThreeParties.Pond, p =>
        {
            var handle = p.PrepareConv2D(g, Shares.For(p, ws), []);
            var outputs = new List<ulong[]>();
            foreach (var s in inputShares)
            {
                var y = p.Alloc(g.OutputLength);
                p.Conv2D(handle, Shares.For(p, s), y);
                outputs.Add(y);
            }

            return (Outputs: outputs, ModelLoad: p.Stats.Total(Phase.ModelLoad), Online: p.Stats.Total(Phase.Online), Offline: p.Stats.Total(Phase.Offline));
        });

        for (var k = 0; k < inputs.Length; k++)
        {
            var expected = new ulong[g.OutputLength];
            RingLinear.Conv2D<ulong>(inputs[k], w, expected, g);
            Assert.Equal(expected, Shares.Reveal([results[0].Outputs[k], results[1].Outputs[k], []]));
        }

        foreach (var server in new[] { 0, 1 })
        {
            Assert.Equal(8L * g.FilterLength, results[server].ModelLoad.BytesSent);
            Assert.Equal(1, results[server].ModelLoad.Rounds);
            Assert.Equal(3 * 8L * g.InputLength, results[server].Online.BytesSent);
            Assert.Equal(3, results[server].Online.Rounds);
            Assert.Equal(0, results[server].Offline.BytesSent);
        }

        // The helper only deals C_1 to server1, once per prediction, and never sees F.
        Assert.Equal(0, results[2].ModelLoad.BytesSent);
        Assert.Equal(0, results[2].Online.BytesSent);
        Assert.Equal(3 * 8L * g.OutputLength, results[2].Offline.BytesSent);
    }

    [Fact]
    public void WrongBufferLengthsAreRejectedOnEveryParty()
    {
        var g = new Conv2DGeometry(1, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
        var errors = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var handle = p.PrepareConv2D(g, p.Alloc(1), []);
            var wrong = new ulong[p.HoldsShares ? g.InputLength + 1 : 1];
            var e = Assert.Throws<ArgumentException>(() => p.Conv2D(handle, wrong, p.Alloc(g.OutputLength)));
            return e.Message;
        });
        Assert.Contains("expected 4", errors[0]);
        Assert.Contains("expected 0 (the helper holds no shares)", errors[2]);
    }
}
