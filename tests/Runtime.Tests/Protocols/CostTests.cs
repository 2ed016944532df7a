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
            "maxpool" => (ProtocolCosts.MaxPool(pool), p => p.MaxPool(pool, p.Alloc(pool.InputLength), p.Alloc(pool.OutputLength))),
            "pond-relu" => (ProtocolCosts.Polynomial(n, PondPolynomials.Relu, 13, TruncationMethod.Helper), Pond(c => c.Relu(n, c.Alloc(n), c.Alloc(n), 13))),
            "pond-relu-local" => (ProtocolCosts.Polynomial(n, PondPolynomials.Relu, 13, TruncationMethod.Local), Pond(c => c.Relu(n, c.Alloc(n), c.Alloc(n), 13), TruncationMethod.Local)),
            "sigmoid" => (ProtocolCosts.Polynomial(n, PondPolynomials.Sigmoid, 13, TruncationMethod.Helper), Pond(c => c.Sigmoid(n, c.Alloc(n), c.Alloc(n), 13))),
            "sigmoid-prescaled" => (ProtocolCosts.Polynomial(n, PondPolynomials.Sigmoid, 24, TruncationMethod.Helper), Pond(c => c.Sigmoid(n, c.Alloc(n), c.Alloc(n), 24))),
            _ => throw new ArgumentException(operation),
        };

        var stats = ThreeParties.Run(c => operation.StartsWith("pond", StringComparison.Ordinal) || operation.StartsWith("sigmoid", StringComparison.Ordinal) ? new Pond(c) : new SecureNN(c), p =>
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
        var perRelu = ProtocolCosts.Relu(1 << 16);
        Assert.Equal(9, perRelu.Rounds);
        Assert.Equal(176, perRelu.ServerBytes >> 16);
        Assert.Equal(16.75, perRelu.HelperBytes / 65536.0);
        Assert.Equal(176, perRelu.OfflineBytes >> 16);
        Assert.Equal(544.75, perRelu.TotalBytes / 65536.0);
        Assert.True(perRelu.TotalBytes / 65536.0 < Paper);
        // Online alone: 368.75 bytes.
        Assert.Equal(368.75, ((2 * perRelu.ServerBytes) + perRelu.HelperBytes) / 65536.0);

        // A layer larger than a chunk: 9 rounds and one dealing per chunk, the same bytes per element.
        var layer = ProtocolCosts.Relu(10 * (long)SecureNN.ChunkElements);
        Assert.Equal((90, 10), (layer.Rounds, layer.OfflineRounds));
        Assert.Equal(544.75, layer.TotalBytes / (10.0 * SecureNN.ChunkElements));
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
