using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>The in-memory link: frames in order, length checks, and errors that name the peer.</summary>
public sealed class InMemoryChannelTests
{
    [Fact]
    public void FramesArriveInOrderWithTheirBytes()
    {
        var (a, b) = InMemoryChannel.CreatePair("server0", "helper", TimeSpan.FromSeconds(5));
        var random = new Random(1);
        var frames = new[] { 0, 1, 7, 4096, 3 << 20 }.Select(n => NetTestSupport.RandomBytes(random, n)).ToList();
        frames.ForEach(f => a.Send(f));
        foreach (var f in frames)
        {
            var got = new byte[f.Length];
            b.Receive(got);
            Assert.Equal(f, got);
        }

        Assert.Equal(frames.Sum(f => (long)f.Length), a.Stats.BytesSent);
        Assert.Equal(frames.Count, b.Stats.FramesReceived);
        Assert.Equal("helper", a.PeerName);
        Assert.Equal("server0", b.PeerName);
    }

    [Fact]
    public void LengthMismatchNamesThePeer()
    {
        var (a, b) = InMemoryChannel.CreatePair("server0", "server1", TimeSpan.FromSeconds(5));
        a.Send(new byte[10]);
        var e = Assert.Throws<ChannelException>(() => b.Receive(new byte[11]));
        Assert.Equal("server0", e.Peer);
        Assert.Equal("server0 sent a frame of 10 bytes where 11 were expected (the parties disagree on the protocol step)", e.Message);
    }

    [Fact]
    public void SilentPeerTimesOutNamingIt()
    {
        var (_, b) = InMemoryChannel.CreatePair("helper", "server1", TimeSpan.FromMilliseconds(200));
        var e = Assert.Throws<ChannelException>(() => b.Receive(new byte[1]));
        Assert.Equal("helper sent nothing within 0.2 s", e.Message);
    }

    [Fact]
    public void ClosedPeerIsReportedAfterItsLastFrame()
    {
        var (a, b) = InMemoryChannel.CreatePair("client", "server0", TimeSpan.FromSeconds(5));
        a.Send([42]);
        a.Dispose();
        var one = new byte[1];
        b.Receive(one);
        Assert.Equal(42, one[0]);
        var e = Assert.Throws<ChannelException>(() => b.Receive(one));
        Assert.Equal("client closed the link", e.Message);
        Assert.Throws<ChannelException>(() => a.Send([1]));
    }
}
