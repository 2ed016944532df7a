using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>Rounds: a receive after a send is one round, per link and per party.</summary>
public sealed class RoundCountingTests
{
    [Fact]
    public void SendingToBothPeersThenReceivingFromBothIsOneRound()
    {
        var mesh = Mesh.CreateInMemory([PartyRole.Server0, PartyRole.Server1, PartyRole.Helper], TimeSpan.FromSeconds(5));
        var results = NetTestSupport.RunConcurrently(mesh.Values.Select(links => (Func<TrafficSnapshot>)(() =>
        {
            var peers = links.Channels.Keys.ToList();
            for (var step = 0; step < 3; step++)
            {
                // One "open": send 8 bytes to each peer, then receive from each.
                peers.ForEach(p => links[p].Send(new byte[8]));
                peers.ForEach(p => links[p].Receive(new byte[8]));
            }

            return links.Snapshot();
        })).ToArray());

        foreach (var (snapshot, error) in results)
        {
            Assert.Null(error);
            Assert.Equal(3, snapshot.Rounds);
            Assert.Equal(48, snapshot.BytesSent);
            Assert.Equal(6, snapshot.FramesReceived);
        }

        // Per link, each of the three steps is also one round.
        Assert.Equal(3, mesh[PartyRole.Helper][PartyRole.Server0].Stats.Rounds);
        NetTestSupport.DisposeAll(mesh);
    }

    [Fact]
    public void ReceivesWithoutASendInBetweenAreNotNewRounds()
    {
        var rounds = new RoundCounter();
        var (a, b) = InMemoryChannel.CreatePair("server1", "helper", TimeSpan.FromSeconds(5), rounds, null);
        b.Send(new byte[1]);
        b.Send(new byte[1]);
        a.Receive(new byte[1]);
        a.Receive(new byte[1]);
        Assert.Equal(0, rounds.Rounds);
        a.Send(new byte[1]);
        b.Send(new byte[1]);
        a.Receive(new byte[1]);
        Assert.Equal(1, rounds.Rounds);

        var before = a.Stats.Snapshot();
        a.Send(new byte[5]);
        var delta = a.Stats.Snapshot() - before;
        Assert.Equal(new TrafficSnapshot(5, 1, 0, 0, 0), delta);
    }
}
