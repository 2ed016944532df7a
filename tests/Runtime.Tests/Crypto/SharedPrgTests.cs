using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;
using Mpc.Runtime.Tests.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Crypto;

/// <summary>Pairwise seed agreement: both ends of each pair derive the same stream, different pairs different streams.</summary>
public sealed class SharedPrgTests
{
    [Fact]
    public void BothEndsDeriveTheSameStream()
    {
        var (atServer0, atServer1) = InMemoryChannel.CreatePair("server0", "server1", TimeSpan.FromSeconds(5));
        var dealer = SharedPrg.Agree(atServer0, PartyRole.Server0, PartyRole.Server1);
        var receiver = SharedPrg.Agree(atServer1, PartyRole.Server1, PartyRole.Server0);
        Assert.Equal(dealer.Next<UInt128>(), receiver.Next<UInt128>());
        Assert.Equal(16, atServer0.Stats.BytesSent);
        Assert.Equal(0, atServer1.Stats.BytesSent);

        // A second agreement on the same link gives a fresh seed.
        var again = SharedPrg.Agree(atServer0, isDealer: true);
        var againReceived = SharedPrg.Agree(atServer1, isDealer: false);
        var x = again.Next<UInt128>();
        Assert.Equal(x, againReceived.Next<UInt128>());
        Assert.NotEqual(x, new AesPrg(new byte[16]).Next<UInt128>());
    }

    [Fact]
    public void ThreePartiesGetOneSeedPerPair()
    {
        var mesh = Mesh.CreateInMemory([PartyRole.Server0, PartyRole.Server1, PartyRole.Helper], TimeSpan.FromSeconds(5));
        var prgs = mesh.Values
            .Select(links => Task.Run(() => (links.Self, Prgs: SharedPrg.AgreeWithComputingParties(links))))
            .Select(t => t.Result)
            .ToDictionary(r => r.Self, r => r.Prgs);

        UInt128 Draw(PartyRole a, PartyRole b) => prgs[a][b].Next<UInt128>();
        var s01 = Draw(PartyRole.Server0, PartyRole.Server1);
        var s02 = Draw(PartyRole.Server0, PartyRole.Helper);
        var s12 = Draw(PartyRole.Server1, PartyRole.Helper);
        Assert.Equal(s01, Draw(PartyRole.Server1, PartyRole.Server0));
        Assert.Equal(s02, Draw(PartyRole.Helper, PartyRole.Server0));
        Assert.Equal(s12, Draw(PartyRole.Helper, PartyRole.Server1));
        Assert.Equal(3, new[] { s01, s02, s12 }.Distinct().Count());
        Assert.All(mesh.Values, links => Assert.Equal(2, links.Channels.Count));
        foreach (var links in mesh.Values)
        {
            links.Dispose();
        }
    }

    [Fact]
    public void ASeedWithOneselfIsRefused()
    {
        var (a, _) = InMemoryChannel.CreatePair("server0", "server1");
        Assert.Throws<ArgumentException>(() => SharedPrg.Agree(a, PartyRole.Helper, PartyRole.Helper));
    }

    [Fact]
    public void SeedsAgreedOverTlsMatch()
    {
        var mesh = Mesh.ConnectLoopback([PartyRole.Server0, PartyRole.Server1, PartyRole.Helper], connectTimeout: TimeSpan.FromSeconds(10));
        try
        {
            var prgs = NetTestSupport.RunConcurrently(mesh.Values.Select(links =>
                (Func<(PartyRole, IReadOnlyDictionary<PartyRole, AesPrg>)>)(() => (links.Self, SharedPrg.AgreeWithComputingParties(links)))).ToArray())
                .ToDictionary(r => r.Result.Item1, r => r.Result.Item2);
            Assert.Equal(prgs[PartyRole.Server0][PartyRole.Helper].Next<UInt128>(), prgs[PartyRole.Helper][PartyRole.Server0].Next<UInt128>());
            Assert.Equal(prgs[PartyRole.Server1][PartyRole.Helper].Next<UInt128>(), prgs[PartyRole.Helper][PartyRole.Server1].Next<UInt128>());
            Assert.Equal(prgs[PartyRole.Server0][PartyRole.Server1].Next<UInt128>(), prgs[PartyRole.Server1][PartyRole.Server0].Next<UInt128>());
        }
        finally
        {
            NetTestSupport.DisposeAll(mesh);
        }
    }
}
