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
        Assert.Contains("expected securenn, securenn-fast, pond", e.Message);
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

    [Fact]
    public void LinkTrafficIsAttributedToTheKeyCurrentWhenItMoved()
    {
        var (contexts, _) = InMemoryParties.Connect();
        var server0 = contexts[0];
        var server1 = contexts[1];
        using (server0.Stats.Enter(layer: "a", operation: "x"))
        {
            server0.Peer(PartyId.Server1).Send(new byte[5]);
            server0.Stats.Round();
        }

        server1.Peer(PartyId.Server0).Send(new byte[3]);
        using (server0.Stats.Enter(layer: "b"))
        {
            server0.Peer(PartyId.Server1).Send(new byte[7]);
            server0.Peer(PartyId.Server1).Send(new byte[1]);
            server0.Peer(PartyId.Server1).Receive(new byte[3]);
        }

        var a = server0.Stats.Sum(k => k is { Phase: Phase.Online, Layer: "a", Operation: "x" });
        Assert.Equal((5, 1, 0, 0, 1), (a.BytesSent, a.FramesSent, a.BytesReceived, a.FramesReceived, a.Rounds));
        var b = server0.Stats.Sum(k => k is { Phase: Phase.Online, Layer: "b" });
        Assert.Equal((8, 2, 3, 1, 0), (b.BytesSent, b.FramesSent, b.BytesReceived, b.FramesReceived, b.Rounds));

        // The seed agreement counted under Setup: server0 deals to server1 and the helper.
        Assert.Equal(32, server0.Stats.Total(Phase.Setup).BytesSent);
        Assert.Equal((0, 32, 2), (contexts[2].Stats.Total(Phase.Setup).BytesSent, contexts[2].Stats.Total(Phase.Setup).BytesReceived, contexts[2].Stats.Total(Phase.Setup).FramesReceived));
    }
}
