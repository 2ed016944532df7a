using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>Mutual TLS: a certificate from another CA, or naming another party, is refused on both sides.</summary>
public sealed class TlsAuthenticationTests
{
    [Fact]
    public void CertificateFromAnotherCaIsRefused()
    {
        var port = NetTestSupport.FreePort();
        var ours = CertificateAuthority.CreateInMemoryDeployment(["server0"]);
        var theirs = CertificateAuthority.CreateInMemoryDeployment(["server1"]);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, NetTestSupport.Settings(port, ours["server0"])),
            () => Mesh.Connect(PartyRole.Server1, NetTestSupport.Settings(port, theirs["server1"])));

        var dial = Assert.IsType<ChannelException>(results[1].Error);
        Assert.Equal("server0", dial.Peer);
        Assert.StartsWith($"refused the link to server0 at 127.0.0.1:{port}: its certificate for 'server0' is not issued by this deployment's CA", dial.Message);
        var listen = Assert.IsType<ChannelException>(results[0].Error);
        Assert.Equal("server1", listen.Peer);
        Assert.StartsWith("server1 did not connect to server0", listen.Message);
    }

    [Fact]
    public void ValidCertificateOfTheWrongPartyIsRefusedByTheListener()
    {
        // server0 expects only server1; the helper (with a genuine helper certificate) dials in.
        var port = NetTestSupport.FreePort();
        var credentials = CertificateAuthority.CreateInMemoryDeployment(["server0", "helper"]);
        var server0 = NetTestSupport.Settings(port, credentials["server0"]);
        var helper = NetTestSupport.Settings(port, credentials["helper"], [PartyRole.Server0, PartyRole.Helper]);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, server0),
            () => Mesh.Connect(PartyRole.Helper, helper));

        var listen = Assert.IsType<ChannelException>(results[0].Error);
        Assert.Contains("its certificate is for 'helper', not 'server1'", listen.Message);
        var dial = Assert.IsType<ChannelException>(results[1].Error);
        Assert.Equal("server0", dial.Peer);
        Assert.Contains("closed the connection during setup: it refused this party's certificate", dial.Message);
    }

    [Fact]
    public void ListenerWithTheWrongNameIsRefusedByTheDialer()
    {
        // The helper's config points its server1 link at server0's port.
        var port = NetTestSupport.FreePort();
        var credentials = CertificateAuthority.CreateInMemoryDeployment(["server0", "helper"]);
        var server0 = NetTestSupport.Settings(port, credentials["server0"], [PartyRole.Server0, PartyRole.Helper]);
        var helper = NetTestSupport.Settings(port, credentials["helper"], [PartyRole.Server1, PartyRole.Helper], PartyRole.Server1);
        var results = NetTestSupport.RunConcurrently(
            () => Mesh.Connect(PartyRole.Server0, server0),
            () => Mesh.Connect(PartyRole.Helper, helper));

        var dial = Assert.IsType<ChannelException>(results[1].Error);
        Assert.Equal("server1", dial.Peer);
        Assert.Equal($"refused the link to server1 at 127.0.0.1:{port}: its certificate is for 'server0', not 'server1'", dial.Message);
        Assert.IsType<ChannelException>(results[0].Error);
    }

    [Fact]
    public void CertificateGivenToTheWrongRoleIsAnInputError()
    {
        var credentials = CertificateAuthority.CreateInMemoryDeployment(["helper"]);
        var e = Assert.Throws<MpcInputException>(() => Mesh.Connect(PartyRole.Server1, NetTestSupport.Settings(1, credentials["helper"])));
        Assert.Equal("the certificate given to server1 is for 'helper'", e.Message);
    }

    [Fact]
    public void TlsWithoutCredentialsIsAnInputError()
    {
        var settings = new MeshSettings { Endpoints = new Dictionary<PartyRole, PartyEndpoint>(), Roles = [PartyRole.Server0, PartyRole.Server1] };
        var e = Assert.Throws<MpcInputException>(() => Mesh.Connect(PartyRole.Server1, settings));
        Assert.Contains("server1 needs a certificate and key for TLS", e.Message);
    }
}
