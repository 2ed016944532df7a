using System.Diagnostics;
using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>The mesh: who dials whom, every link working, and clear errors for absent peers and wrong ports.</summary>
public sealed class MeshConnectTests
{
    [Fact]
    public void HigherRolesDialLowerOnesAndTheClientNeverMeetsTheHelper()
    {
        Assert.True(Mesh.Dials(PartyRole.Server1, PartyRole.Server0));
        Assert.True(Mesh.Dials(PartyRole.Helper, PartyRole.Server1));
        Assert.True(Mesh.Dials(PartyRole.Client, PartyRole.Server0));
        Assert.False(Mesh.Dials(PartyRole.Server0, PartyRole.Helper));
        Assert.Equal([PartyRole.Server1, PartyRole.Helper, PartyRole.Client], Mesh.PeersOf(PartyRole.Server0, PartyRoleExtensions.All));
        Assert.Equal([PartyRole.Server0, PartyRole.Server1], Mesh.PeersOf(PartyRole.Helper, PartyRoleExtensions.All));
        Assert.Equal([PartyRole.Server0, PartyRole.Server1], Mesh.PeersOf(PartyRole.Client, PartyRoleExtensions.All));
    }

    [Theory]
    [InlineData(MeshSecurity.Tls13)]
    [InlineData(MeshSecurity.InsecurePlainTcp)]
    public void LoopbackMeshOfFourRolesCarriesFramesOnEveryLink(MeshSecurity security)
    {
        var mesh = Mesh.ConnectLoopback(security: security, connectTimeout: TimeSpan.FromSeconds(10));
        try
        {
            Assert.Equal(3, mesh[PartyRole.Server0].Channels.Count);
            Assert.Equal(3, mesh[PartyRole.Server1].Channels.Count);
            Assert.Equal(2, mesh[PartyRole.Helper].Channels.Count);
            Assert.Equal(2, mesh[PartyRole.Client].Channels.Count);
            var results = NetTestSupport.RunConcurrently(mesh.Values.Select(links => (Func<bool>)(() =>
            {
                foreach (var (peer, channel) in links.Channels)
                {
                    channel.Send([(byte)links.Self, (byte)peer]);
                }

                foreach (var (peer, channel) in links.Channels)
                {
                    var got = new byte[2];
                    channel.Receive(got);
                    Assert.Equal(peer.ToName(), channel.PeerName);
                    if (got[0] != (byte)peer || got[1] != (byte)links.Self)
                    {
                        return false;
                    }
                }

                return true;
            })).ToArray());
            Assert.All(results, r => Assert.Null(r.Error));
            Assert.All(results, r => Assert.True(r.Result));
            Assert.All(mesh.Values, links => Assert.Equal(new TrafficSnapshot(2L * links.Channels.Count, links.Channels.Count, 2L * links.Channels.Count, links.Channels.Count), links.Snapshot()));
        }
        finally
        {
            NetTestSupport.DisposeAll(mesh);
        }
    }

    [Fact]
    public void WrongPortNamesThePeerWithinTheTimeout()
    {
        var port = NetTestSupport.FreePort();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ChannelException>(() => Mesh.Connect(PartyRole.Server1, NetTestSupport.Settings(port, null)));
        Assert.Equal("server0", e.Peer);
        Assert.Equal($"cannot connect to server0 at 127.0.0.1:{port} within 1 s: connection refused (nothing listens on that port yet)", e.Message);
        Assert.InRange(watch.ElapsedMilliseconds, 900, 4000);
    }

    [Fact]
    public void PeerThatNeverAppearsIsNamedWithinTheTimeout()
    {
        var port = NetTestSupport.FreePort();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ChannelException>(() => Mesh.Connect(PartyRole.Server0, NetTestSupport.Settings(port, null)));
        Assert.Equal("server1", e.Peer);
        Assert.StartsWith($"server1 did not connect to server0 (listening on 127.0.0.1:{port}) within 1 s", e.Message);
        Assert.InRange(watch.ElapsedMilliseconds, 900, 4000);
    }

    [Fact]
    public void DialingTheWrongPartyOverPlainTcpIsNamed()
    {
        // The helper's config sends its server1 link to server0's port.
        var port = NetTestSupport.FreePort();
        var server0 = NetTestSupport.Settings(port, null, [PartyRole.Server0, PartyRole.Helper]);
        var helper = NetTestSupport.Settings(port, null, [PartyRole.Server1, PartyRole.Helper], PartyRole.Server1);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, server0),
            () => Mesh.Connect(PartyRole.Helper, helper));
        var dialError = Assert.IsType<ChannelException>(results[1].Error);
        Assert.Equal($"server1 at 127.0.0.1:{port} is server0, not server1: check server1's port in the parties config", dialError.Message);
        var listenError = Assert.IsType<ChannelException>(results[0].Error);
        Assert.Contains("helper did not connect to server0", listenError.Message);
        Assert.Contains("(WrongTarget)", listenError.Message);
    }

    [Fact]
    public void TlsAgainstPlainTcpFailsWithAClearError()
    {
        var port = NetTestSupport.FreePort();
        var credentials = CertificateAuthority.CreateInMemoryDeployment(["server0", "server1"]);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, NetTestSupport.Settings(port, credentials["server0"])),
            () => Mesh.Connect(PartyRole.Server1, NetTestSupport.Settings(port, null)));
        Assert.Contains("server1 did not connect to server0", Assert.IsType<ChannelException>(results[0].Error).Message);
        var dial = Assert.IsType<ChannelException>(results[1].Error);
        Assert.Equal("server0", dial.Peer);
        Assert.Contains("closed the connection during setup", dial.Message);
    }

    [Fact]
    public void ASecondLaneIsAnIndependentLinkPerPairOfComputingParties()
    {
        var mesh = Mesh.ConnectLoopback(connectTimeout: TimeSpan.FromSeconds(10), lanes: 2);
        try
        {
            foreach (var (role, links) in mesh)
            {
                Assert.Equal(2, links.LaneCount);
                // The client has one lane only.
                var computing = links.Channels.Keys.Where(p => p.IsComputingParty() && role.IsComputingParty()).Order();
                Assert.Equal(computing, links.Lane(PartyLinks.OfflineLane).Keys.Order());
                Assert.All(links.Lane(1), l => Assert.NotSame(links[l.Key], l.Value));
            }

            // Lane 1 carries its own frames in its own order: a large frame on it does not hold up lane 0.
            var results = NetTestSupport.RunConcurrently(
                () =>
                {
                    var s0 = mesh[PartyRole.Server0];
                    s0.Lane(1)[PartyRole.Helper].Send(new byte[3 << 20]);
                    s0[PartyRole.Helper].Send([1, 2]);
                    var echo = new byte[2];
                    s0[PartyRole.Helper].Receive(echo);
                    return echo[0] == 3 && echo[1] == 4;
                },
                () =>
                {
                    var h = mesh[PartyRole.Helper];
                    var small = new byte[2];
                    h[PartyRole.Server0].Receive(small);
                    h[PartyRole.Server0].Send([3, 4]);
                    var large = new byte[3 << 20];
                    h.Lane(1)[PartyRole.Server0].Receive(large);
                    return small[0] == 1 && small[1] == 2;
                });
            Assert.All(results, r => Assert.Null(r.Error));
            Assert.All(results, r => Assert.True(r.Result));
            Assert.Equal(2 + (3 << 20), mesh[PartyRole.Server0].Snapshot().BytesSent);
        }
        finally
        {
            NetTestSupport.DisposeAll(mesh);
        }
    }

    [Fact]
    public void ADifferentNumberOfLanesIsNamed()
    {
        // server0 expects two lanes, server1 dials one: the listener names the missing lane.
        var port = NetTestSupport.FreePort();
        var credentials = CertificateAuthority.CreateInMemoryDeployment(["server0", "server1"]);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, new MeshSettings
            {
                Roles = [PartyRole.Server0, PartyRole.Server1],
                Endpoints = new Dictionary<PartyRole, PartyEndpoint> { [PartyRole.Server0] = new("127.0.0.1", port) },
                Credentials = credentials["server0"],
                ConnectTimeout = NetTestSupport.Short,
                Channel = new TcpChannelOptions { Timeout = NetTestSupport.Short },
                Lanes = 2,
            }),
            () => Mesh.Connect(PartyRole.Server1, NetTestSupport.Settings(port, credentials["server1"])));
        var listen = Assert.IsType<ChannelException>(results[0].Error);
        // (Lane 0 may be named too when a loaded machine makes its handshake miss the short timeout.)
        Assert.Contains($"server1 (lane 1) did not connect to server0 (listening on 127.0.0.1:{port}) within 1 s", listen.Message);
        results[1].Result?.Dispose();
        Assert.Throws<MpcInputException>(() => Mesh.CreateInMemory(lanes: 0));
        Assert.Contains("no offline lane", Assert.Throws<InvalidOperationException>(() => Mesh.CreateInMemory()[PartyRole.Server0].Lane(1)).Message);
    }
}
