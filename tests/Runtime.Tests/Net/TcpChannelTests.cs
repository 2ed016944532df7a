using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Runtime.Tests.Net;

/// <summary>TCP and TLS links on loopback: frames round-trip both ways at once, and failures name the peer.</summary>
public sealed class TcpChannelTests
{
    public static TheoryData<MeshSecurity> Securities() => new() { MeshSecurity.Tls13, MeshSecurity.InsecurePlainTcp };

    [Theory]
    [MemberData(nameof(Securities))]
    public void RandomFramesRoundTripInBothDirectionsAtOnce(MeshSecurity security)
    {
        using var pair = NetTestSupport.Pair(security);
        var a = pair.AtServer0;
        var b = pair.AtServer1;
        Assert.Equal(security == MeshSecurity.Tls13, ((TcpChannel)a).IsEncrypted);
        var sizes = new[] { 0, 1, 3, 4, 5, 16, 1000, 65_536, 262_143, 262_144, 1 << 20, (5 << 20) + 3, 0, 2 };
        var fromA = sizes.Select((n, i) => NetTestSupport.RandomBytes(new Random(i), n)).ToList();
        var fromB = sizes.Reverse().Select((n, i) => NetTestSupport.RandomBytes(new Random(100 + i), n)).ToList();

        // Each side sends everything before receiving: the 7+ MB each way exceed the socket buffers,
        // so this deadlocks unless Send returns before the peer receives.
        var results = NetTestSupport.RunConcurrently(
            () => Exchange(a, fromA, fromB),
            () => Exchange(b, fromB, fromA));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(results, r => Assert.True(r.Result));

        var total = fromA.Sum(f => (long)f.Length);
        Assert.Equal(total, a.Stats.BytesSent);
        Assert.Equal(total, b.Stats.BytesReceived);
        Assert.Equal(sizes.Length, b.Stats.FramesReceived);
    }

    [Theory]
    [MemberData(nameof(Securities))]
    public void ManyLargeFramesBothWaysBeforeReceivingDoNotDeadlock(MeshSecurity security)
    {
        using var pair = NetTestSupport.Pair(security);
        var a = pair.AtServer0;
        var b = pair.AtServer1;
        var frame = new byte[8 << 20];
        new Random(3).NextBytes(frame);
        bool SendThenReceive(IChannel c)
        {
            for (var i = 0; i < 6; i++)
            {
                c.Send(frame);
            }

            var got = new byte[frame.Length];
            for (var i = 0; i < 6; i++)
            {
                c.Receive(got);
            }

            return got.AsSpan().SequenceEqual(frame);
        }

        var results = NetTestSupport.RunConcurrently(() => SendThenReceive(a), () => SendThenReceive(b));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(results, r => Assert.True(r.Result));
    }

    [Theory]
    [MemberData(nameof(Securities))]
    public void LengthMismatchNamesThePeerAndBreaksTheLink(MeshSecurity security)
    {
        using var pair = NetTestSupport.Pair(security);
        var a = pair.AtServer0;
        var b = pair.AtServer1;
        a.Send(new byte[100]);
        var e = Assert.Throws<ChannelException>(() => b.Receive(new byte[64]));
        Assert.Equal("server0", e.Peer);
        Assert.Equal("server0 sent a frame of 100 bytes where 64 were expected (the parties disagree on the protocol step)", e.Message);
        var again = Assert.Throws<ChannelException>(() => b.Receive(new byte[100]));
        Assert.Equal(e.Message, again.Message);
    }

    [Theory]
    [MemberData(nameof(Securities))]
    public void PeerThatClosesIsNamed(MeshSecurity security)
    {
        using var pair = NetTestSupport.Pair(security);
        var a = pair.AtServer0;
        var b = pair.AtServer1;
        a.Send(new byte[3]);
        a.Dispose();
        b.Receive(new byte[3]);
        var e = Assert.Throws<ChannelException>(() => b.Receive(new byte[3]));
        Assert.Equal("server0", e.Peer);
        Assert.Equal("server0 closed the link", e.Message);
        Assert.Throws<ChannelException>(() => a.Send(new byte[1]));
    }

    [Theory]
    [MemberData(nameof(Securities))]
    public void SilentPeerTimesOutNamingIt(MeshSecurity security)
    {
        using var pair = NetTestSupport.Pair(security, timeout: TimeSpan.FromMilliseconds(400));
        var b = pair.AtServer1;
        var started = Environment.TickCount64;
        var e = Assert.Throws<ChannelException>(() => b.Receive(new byte[8]));
        var elapsed = Environment.TickCount64 - started;
        Assert.Equal("server0 sent nothing within 0.4 s", e.Message);
        Assert.InRange(elapsed, 300, 5000);
    }

    [Fact]
    public void PeerThatStopsReadingFailsTheSenderWithinTheTimeout()
    {
        // A tiny queue bound: once the socket buffers and 1 MiB of queue are full, Send waits for the
        // peer, which never reads, and gives up after the timeout.
        using var pair = NetTestSupport.Pair(MeshSecurity.InsecurePlainTcp, timeout: TimeSpan.FromMilliseconds(500), maxQueuedBytes: 1 << 20);
        var a = pair.AtServer0;
        var frame = new byte[1 << 20];
        var e = Assert.Throws<ChannelException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                a.Send(frame);
            }
        });
        Assert.Equal("server1", e.Peer);
        Assert.StartsWith("server1 stopped reading", e.Message);
    }

    private static bool Exchange(IChannel channel, List<byte[]> outgoing, List<byte[]> incoming)
    {
        outgoing.ForEach(f => channel.Send(f));
        foreach (var expected in incoming)
        {
            var got = new byte[expected.Length];
            channel.Receive(got);
            if (!got.AsSpan().SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }
}
