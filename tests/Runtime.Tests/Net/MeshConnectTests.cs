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
}
