using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

public sealed class ProtocolApiTests
{
    [Fact]
    public void ProtocolsAreCreatedByTheirCommandLineNames()
    {
        var names = ThreeParties.Run(c => Protocol.Create("securenn", c), p => p.Name);
        Assert.All(names, n => Assert.Equal("securenn", n));
        var (contexts, _) = InMemoryParties.Connect();
        Assert.IsType<Pond>(Protocol.Create("pond", contexts[0]));
        var e = Assert.Throws<MpcInputException>(() => Protocol.Create("aby3", contexts[0]));
        Assert.Contains("expected securenn or pond", e.Message);
        Assert.Throws<ArgumentException>(() => new SecureNN(contexts[0], ExecutionMode.Online));
    }

    [Fact]
    public void BuffersHaveTheirLengthOnServersOnlyAndNotWhilePreprocessing()
    {
        var (online, offline) = InMemoryParties.Connect(withOffline: true);
        var buffer = new PreprocessingBuffer(1024);
        foreach (var role in Enum.GetValues<PartyId>())
        {
            var inline = new SecureNN(online[(int)role]);
            var preprocessing = new SecureNN(offline![(int)role], ExecutionMode.Offline, buffer);
            Assert.Equal(role.IsServer() ? 7 : 0, inline.Alloc(7).Length);
            Assert.Equal(role.IsServer(), inline.HoldsShares);
            Assert.Empty(preprocessing.Alloc(7));
            Assert.False(preprocessing.HoldsShares);
        }
    }

    [Fact]
    public void TrafficIsAttributedToTheLayerAndOperation()
    {
        var stats = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            using (p.Step("relu7"))
            {
                p.Relu(10, p.Alloc(10), p.Alloc(10), 0);
            }

            p.Mul(3, p.Alloc(3), p.Alloc(3), p.Alloc(3));
            return p.Stats;
        });
        var server = stats[0];
        Assert.Equal(ProtocolCosts.Relu(10).ServerBytes, server.Sum(k => k.Phase == Phase.Online && k.Layer == "relu7").BytesSent);
        Assert.Equal(ProtocolCosts.Mul(3).ServerBytes, server.Sum(k => k.Phase == Phase.Online && k.Layer == "").BytesSent);
        Assert.Contains(server.Entries.Keys, k => k is { Layer: "relu7", Operation: "private compare" });
        Assert.Contains("relu7", server.Summary());
        Assert.Equal(ProtocolCosts.Relu(10).OfflineBytes, stats[2].Sum(k => k is { Phase: Phase.Offline, Layer: "relu7" }).BytesSent);
    }
}
