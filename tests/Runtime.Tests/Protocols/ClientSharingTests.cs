using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>The input provider, model owner and output receiver over real channels.</summary>
public sealed class ClientSharingTests
{
    [Fact]
    public void InputSharedByTheProviderIsRevealedToTheReceiverOnly()
    {
        var values = TestValues.Concat([0, 1, ulong.MaxValue, 1UL << 63], TestValues.Ring(60, 1));
        var (providerTo0, at0) = InMemoryChannel.CreatePair("input", "server0");
        var (providerTo1, at1) = InMemoryChannel.CreatePair("input", "server1");
        var (out0, receiverFrom0) = InMemoryChannel.CreatePair("server0", "output");
        var (out1, receiverFrom1) = InMemoryChannel.CreatePair("server1", "output");
        ClientSharing.Share(values, providerTo0, providerTo1);

        var received = ThreeParties.Run(ThreeParties.SecureNN, p =>
        {
            var share = p.Alloc(values.Length);
            IChannel? provider = p.Role switch { PartyId.Server0 => at0, PartyId.Server1 => at1, _ => null };
            IChannel? receiver = p.Role switch { PartyId.Server0 => out0, PartyId.Server1 => out1, _ => null };
            p.ReceiveInput(provider, values.Length, share);
            p.RevealTo(receiver, values.Length, share);
            var io = p.Stats.Sum(k => k.Phase == Phase.Online);
            return (Share: share, io.BytesReceived, io.BytesSent);
        });

        var result = new ulong[values.Length];
        ClientSharing.Reconstruct(receiverFrom0, receiverFrom1, result);
        Assert.Equal(values, result);
        // server0 got a 16-byte seed, server1 the masked values; each sent its share to the receiver.
        Assert.Equal(16, received[0].BytesReceived);
        Assert.Equal(8 * values.Length, received[1].BytesReceived);
        Assert.Equal(8 * values.Length, received[0].BytesSent);
        Assert.Equal(0, received[2].BytesSent + received[2].BytesReceived);
        Assert.Empty(received[2].Share);
        // Neither server's share equals the value (each is uniform on its own).
        Assert.NotEqual(values, received[0].Share);
        Assert.NotEqual(values, received[1].Share);
    }

    [Fact]
    public void WeightsFromTheModelOwnerCountAsModelLoad()
    {
        var weights = TestValues.Ring(9, 2);
        var (to0, at0) = InMemoryChannel.CreatePair("owner", "server0");
        var (to1, at1) = InMemoryChannel.CreatePair("owner", "server1");
        ClientSharing.Share(weights, to0, to1);
        var results = ThreeParties.Run(ThreeParties.Pond, p =>
        {
            var share = p.Role.IsServer() ? new ulong[9] : [];
            p.ReceiveWeights(p.Role switch { PartyId.Server0 => at0, PartyId.Server1 => at1, _ => null }, 9, share);
            return (share, p.Stats.Total(Phase.ModelLoad).BytesReceived);
        });
        Assert.Equal(weights, Shares.Reveal([results[0].share, results[1].share, results[2].share]));
        Assert.Equal(16, results[0].BytesReceived);
        Assert.Equal(72, results[1].BytesReceived);
    }

    [Fact]
    public void RevealedSharesAreRerandomised()
    {
        // The receiver's pair is (x_0 + u, x_1 - u) for a fresh u: it differs from the servers' own shares.
        var values = TestValues.Ring(8, 3);
        var (s0, s1) = Shares.Split(values);
        var (out0, from0) = InMemoryChannel.CreatePair("server0", "output");
        var (out1, from1) = InMemoryChannel.CreatePair("server1", "output");
        ThreeParties.Run(ThreeParties.SecureNN, p =>
            p.RevealTo(p.Role switch { PartyId.Server0 => out0, PartyId.Server1 => out1, _ => null }, 8, Shares.For(p, (s0, s1))));
        var seen0 = new ulong[8];
        from0.Receive(System.Runtime.InteropServices.MemoryMarshal.AsBytes(seen0.AsSpan()));
        var seen1 = new ulong[8];
        from1.Receive(System.Runtime.InteropServices.MemoryMarshal.AsBytes(seen1.AsSpan()));
        Assert.NotEqual(s0, seen0);
        Assert.Equal(values, seen0.Zip(seen1, (a, b) => a + b));
    }
}
