using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>Links count payload bytes and frames each way, per link and summed per party; rounds are the protocols' business.</summary>
public sealed class TrafficCountingTests
{
    [Fact]
    public void APartysSnapshotSumsItsLinks()
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
            Assert.Equal(new TrafficSnapshot(48, 6, 48, 6), snapshot);
        }

        Assert.Equal(new TrafficSnapshot(24, 3, 24, 3), mesh[PartyRole.Helper][PartyRole.Server0].Stats.Snapshot());
        NetTestSupport.DisposeAll(mesh);
    }

    [Fact]
    public void SnapshotsSubtractToTheTrafficInBetween()
    {
        var (a, b) = InMemoryChannel.CreatePair("server1", "helper", TimeSpan.FromSeconds(5));
        b.Send(new byte[1]);
        a.Receive(new byte[1]);
        var before = a.Stats.Snapshot();
        a.Send(new byte[5]);
        a.Send([]);
        b.Send(new byte[3]);
        a.Receive(new byte[3]);
        Assert.Equal(new TrafficSnapshot(5, 2, 3, 1), a.Stats.Snapshot() - before);
        Assert.Equal(new TrafficSnapshot(5, 2, 4, 2), a.Stats.Snapshot());
    }
}
