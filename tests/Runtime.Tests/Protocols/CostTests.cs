using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Measured traffic and rounds of every operation equal the cost model exactly, on every party.</summary>
public sealed class CostTests
{
    public static TheoryData<string, int> Operations => new()
    {
        { "conv2d", 0 }, { "mul", 50 }, { "truncate-local", 50 }, { "truncate-helper", 50 },
        { "private-compare", 70 }, { "share-convert", 70 }, { "compute-msb", 65 }, { "drelu", 64 }, { "relu", 1 }, { "relu", 130 }, { "relu", SecureNN.ChunkElements + 130 },
        { "drelu-paper", 64 }, { "relu-paper", 130 }, { "relu-paper", SecureNN.ChunkElements + 130 }, { "maxpool-paper", 0 },
        { "maxpool", 0 }, { "pond-relu", 40 }, { "pond-relu", SecureNN.ChunkElements + 40 }, { "pond-relu-local", 40 }, { "sigmoid", 40 }, { "sigmoid-prescaled", 40 },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void MeasuredTrafficEqualsTheCostModel(string operation, int n)
    {
        var conv = new Conv2DGeometry(1, 5, 5, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1);
        var pool = new PoolGeometry(1, 5, 5, 2, 3, 3, 2, 2, 1, 1, 1, 1);
        var (expected, run) = operation switch
        {
            "conv2d" => (ProtocolCosts.Linear(conv.InputLength, conv.OutputLength), Conv(conv)),
            "mul" => (ProtocolCosts.Mul(n), p => p.Mul(n, p.Alloc(n), p.Alloc(n), p.Alloc(n))),
            "truncate-local" => (ProtocolCosts.Truncate(n, TruncationMethod.Local), p => p.Truncate(n, p.Alloc(n), p.Alloc(n), 13, TruncationMethod.Local)),
            "truncate-helper" => (ProtocolCosts.Truncate(n, TruncationMethod.Helper), p => p.Truncate(n, p.Alloc(n), p.Alloc(n), 13, TruncationMethod.Helper)),
            "private-compare" => (ProtocolCosts.PrivateCompare(n), p => Snn(p).PrivateCompare(n, new byte[p.HoldsShares ? 64 * n : 0], p.Alloc(n), new byte[p.HoldsShares ? n : 0], new byte[p.Role == PartyId.Helper ? n : 0])),
            "share-convert" => (ProtocolCosts.ShareConvert(n), p => Snn(p).ShareConvert(n, p.Alloc(n), p.Alloc(n))),
            "compute-msb" => (ProtocolCosts.ComputeMsb(n), p => Snn(p).ComputeMsb(n, p.Alloc(n), p.Alloc(n))),
            "drelu" => (ProtocolCosts.DRelu(n), p => Snn(p).DRelu(n, p.Alloc(n), p.Alloc(n))),
            "relu" => (ProtocolCosts.Relu(n), p => p.Relu(n, p.Alloc(n), p.Alloc(n), 13)),
            "drelu-paper" => (ProtocolCosts.DRelu(n, DReluMethod.ShareConvert), p => Snn(p).DRelu(n, p.Alloc(n), p.Alloc(n))),
            "relu-paper" => (ProtocolCosts.Relu(n, DReluMethod.ShareConvert), p => p.Relu(n, p.Alloc(n), p.Alloc(n), 13)),
            "maxpool-paper" => (ProtocolCosts.MaxPool(pool, DReluMethod.ShareConvert), p => p.MaxPool(pool, p.Alloc(pool.InputLength), p.Alloc(pool.OutputLength))),
            "maxpool" => (ProtocolCosts.MaxPool(pool), p => p.MaxPool(pool, p.Alloc(pool.InputLength), p.Alloc(pool.OutputLength))),
            "pond-relu" => (ProtocolCosts.Polynomial(n, PondPolynomials.Relu, 13, TruncationMethod.Helper), Pond(c => c.Relu(n, c.Alloc(n), c.Alloc(n), 13))),
            "pond-relu-local" => (ProtocolCosts.Polynomial(n, PondPolynomials.Relu, 13, TruncationMethod.Local), Pond(c => c.Relu(n, c.Alloc(n), c.Alloc(n), 13), TruncationMethod.Local)),
            "sigmoid" => (ProtocolCosts.Polynomial(n, PondPolynomials.Sigmoid, 13, TruncationMethod.Helper), Pond(c => c.Sigmoid(n, c.Alloc(n), c.Alloc(n), 13))),
            "sigmoid-prescaled" => (ProtocolCosts.Polynomial(n, PondPolynomials.Sigmoid, 24, TruncationMethod.Helper), Pond(c => c.Sigmoid(n, c.Alloc(n), c.Alloc(n), 24))),
            _ => throw new ArgumentException(operation),
        };

        Protocol Make(PartyContext c) =>
            operation.StartsWith("pond", StringComparison.Ordinal) || operation.StartsWith("sigmoid", StringComparison.Ordinal) ? new Pond(c)
            : operation.EndsWith("-paper", StringComparison.Ordinal) ? new SecureNN(c) { Comparison = DReluMethod.ShareConvert }
            : new SecureNN(c);
        var stats = ThreeParties.Run(Make, p =>
        {
            run(p);
            return (Online: p.Stats.Total(Phase.Online), Offline: p.Stats.Total(Phase.Offline));
        });
        foreach (var party in Enum.GetValues<PartyId>())
        {
            var (online, offline) = stats[(int)party];
            Assert.Equal(expected.Rounds, online.Rounds);
            Assert.Equal(expected.OfflineRounds, offline.Rounds);
            Assert.Equal(party == PartyId.Helper ? expected.HelperBytes : expected.ServerBytes, online.BytesSent);
            Assert.Equal(party == PartyId.Helper ? expected.OfflineBytes : 0, offline.BytesSent);
        }

        Assert.Equal(expected.OfflineBytes, stats[(int)PartyId.Server1].Offline.BytesReceived);
        Assert.Equal(0, stats[(int)PartyId.Server0].Offline.BytesReceived);
    }

    [Fact]
    public void SecureNNReluCostsLessThanThePapersFormula()
    {
        // Paper (Table 1): ReLU (8 log p + 24) l bits with l = 64; with Z_p in bytes (log p -> 8) that is 704 bytes.
        const double Paper = (8 * 8 + 24) * 64 / 8.0;
        var chunk = SecureNN.ChunkElements;

        // The paper's method as implemented: 9 rounds, 544.75 bytes (368.75 online).
        var paper = ProtocolCosts.Relu(chunk, DReluMethod.ShareConvert);
        Assert.Equal(9, paper.Rounds);
        Assert.Equal((176, 16.75, 176), (paper.ServerBytes / chunk, paper.HelperBytes / (double)chunk, paper.OfflineBytes / chunk));
        Assert.Equal(544.75, paper.TotalBytes / (double)chunk);
        Assert.True(paper.TotalBytes / (double)chunk < Paper);
        Assert.Equal(368.75, ((2 * paper.ServerBytes) + paper.HelperBytes) / (double)chunk);

        // The default masked-MSB ReLU (the selection folded into the DReLU's rounds): 3 rounds, 240.25 bytes (168.25 online).
        var perRelu = ProtocolCosts.Relu(chunk);
        Assert.Equal(3, perRelu.Rounds);
        Assert.Equal((80, 8.25, 72), (perRelu.ServerBytes / chunk, perRelu.HelperBytes / (double)chunk, perRelu.OfflineBytes / chunk));
        Assert.Equal(240.25, perRelu.TotalBytes / (double)chunk);
        Assert.Equal(168.25, ((2 * perRelu.ServerBytes) + perRelu.HelperBytes) / (double)chunk);

        // A layer larger than a chunk: the rounds and one dealing per chunk, the same bytes per element.
        var layer = ProtocolCosts.Relu(10L * chunk);
        Assert.Equal((30, 10), (layer.Rounds, layer.OfflineRounds));
        Assert.Equal(240.25, layer.TotalBytes / (10.0 * chunk));
    }

    private static SecureNN Snn(Protocol p) => (SecureNN)p;

    private static Action<Protocol> Conv(Conv2DGeometry g) => p =>
    {
        var handle = p.PrepareConv2D(g, p.Role.IsServer() ? new ulong[g.FilterLength] : [], []);
        p.Conv2D(handle, p.Alloc(g.InputLength), p.Alloc(g.OutputLength));
    };

    private static Action<Protocol> Pond(Action<Protocol> body, TruncationMethod method = TruncationMethod.Helper) => p =>
    {
        if (method == TruncationMethod.Local)
        {
            var local = new Pond(p.Context) { PolynomialTruncation = TruncationMethod.Local };
            body(local);
        }
        else
        {
            body(p);
        }
    };
}
