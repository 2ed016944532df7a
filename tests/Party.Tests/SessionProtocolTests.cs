using Mpc.Party.Sessions;
using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>The session messages and the client link's framing, on in-memory links.</summary>
public sealed class SessionProtocolTests
{
    private static readonly SessionMessage[] Examples =
    [
        new PartyHello(PartyRole.Server1, "skin", "ab12", 1, [.. Enumerable.Range(0, 16).Select(i => (byte)i)]),
        new RunRequest("skin", "ab12", 2, "pond", 7),
        new Done(),
        new Verdict(false, "no thanks: ünïcödé"),
        new Reports([new PartyReport(PartyRole.Helper, 3, new(1, 2, 3, 4.5), PhaseTotals.Zero, new(10, 20, 30, 40.25), new(long.MaxValue, 0, 9, 0.125))]),
    ];

    public static TheoryData<int> MessageIndices() => [.. Enumerable.Range(0, Examples.Length)];

    [Theory]
    [MemberData(nameof(MessageIndices))]
    public void EveryMessageSurvivesTheRoundTrip(int index)
    {
        var message = Examples[index];
        var decoded = SessionMessage.Decode(message.Encode(), "server0");
        Assert.Equal(message.Encode(), decoded.Encode());
        Assert.Equal(message.GetType(), decoded.GetType());
    }

    [Fact]
    public void MalformedMessagesNameThePeer()
    {
        var bytes = new RunRequest("skin", "ab12", 1, "securenn", 1).Encode();
        var truncated = Assert.Throws<ChannelException>(() => SessionMessage.Decode(bytes[..^2], "server1"));
        Assert.Equal("server1 sent a malformed session message (it is too short); do both sides run the same program version?", truncated.Message);
        Assert.Equal("server1", truncated.Peer);

        Assert.Contains("2 unexpected trailing bytes", Assert.Throws<ChannelException>(() => SessionMessage.Decode([.. bytes, 0, 0], "server1")).Message, StringComparison.Ordinal);
        Assert.Contains("unknown message kind 99", Assert.Throws<ChannelException>(() => SessionMessage.Decode([SessionMessage.Version, 99], "helper")).Message, StringComparison.Ordinal);
        Assert.Equal(
            $"client speaks session protocol version 9, this program version {SessionMessage.Version}: run the same program version on every party",
            Assert.Throws<ChannelException>(() => SessionMessage.Decode([9, 3], "client")).Message);
    }

    [Fact]
    public void DataAndMessagesTravelInOrderAndAreNeverConfused()
    {
        var (a, b) = Pair();
        a.SendMessage(new Done());
        a.Send(new byte[] { 1, 2, 3 });
        a.Send(new byte[] { 4 });

        Assert.IsType<Done>(b.ReceiveMessage());
        var data = new byte[3];
        b.Receive(data);
        Assert.Equal([1, 2, 3], data);
        Assert.Equal(4, a.DataBytesSent);

        a.SendMessage(new Done());
        Assert.Contains("sent protocol data where a session message was expected", Assert.Throws<ChannelException>(b.ReceiveMessage).Message, StringComparison.Ordinal);

        // After a failed receive the link is out of step: a fresh pair for each remaining case.
        var (c, d) = Pair();
        c.SendMessage(new Done());
        Assert.Contains("sent a session message where protocol data was expected", Assert.Throws<ChannelException>(() => d.Receive(new byte[1])).Message, StringComparison.Ordinal);

        var (e, f) = Pair();
        e.Send(new byte[] { 4 });
        var wrongLength = Assert.Throws<ChannelException>(() => f.Receive(new byte[2]));
        Assert.Equal("server0 sent 1 bytes of data where 2 were expected (the parties run different models or program versions)", wrongLength.Message);
    }

    [Fact]
    public void AnAbortNoticeReachesTheOtherSideWithItsReasonAndExitCode()
    {
        var (a, b) = Pair();
        a.TrySendAbort(2, "helper closed the link");

        // Whatever the receiver waits for, it reads the reason instead.
        var e = Assert.Throws<SessionAbortedException>(() => b.ReceiveMessage<Verdict>());
        Assert.Equal("server0 stopped the session: helper closed the link", e.Message);
        Assert.Equal(2, e.ExitCode);

        // Draining skips pending data to find the notice; a closed link without one gives null.
        var (c, d) = Pair();
        c.Send(new byte[100]);
        c.SendMessage(new Done());
        c.TrySendAbort(1, "server1 closed the link");
        Assert.Equal("server1 closed the link", d.DrainToAbort()!.Reason);
        c.Dispose();
        Assert.Null(d.DrainToAbort());

        // Telling a peer that is gone is harmless.
        a.Dispose();
        a.TrySendAbort(1, "too late");
    }

    [Fact]
    public void MessagesBetweenComputingPartiesAreLengthPrefixed()
    {
        var (a, b) = InMemoryChannel.CreatePair("server0", "helper", TimeSpan.FromSeconds(5));
        Sessions.Messages.Send(a, new RunRequest("m", "f", 1, "securenn", 2));
        Assert.Equal(2, Sessions.Messages.Receive<RunRequest>(b).Predictions);

        Sessions.Messages.Send(a, new Done());
        Assert.Equal(
            "server0 sent a Done message where a Verdict was expected (the parties disagree on the session step)",
            Assert.Throws<ChannelException>(() => Sessions.Messages.Receive<Verdict>(b)).Message);

        a.Send(BitConverter.GetBytes(1 << 30));
        Assert.Contains("announced a session message of 1073741824 bytes", Assert.Throws<ChannelException>(() => Sessions.Messages.Receive(b)).Message, StringComparison.Ordinal);
    }

    private static (SessionChannel A, SessionChannel B) Pair()
    {
        var (a, b) = InMemoryChannel.CreatePair("server0", "client", TimeSpan.FromSeconds(5));
        return (new SessionChannel(a), new SessionChannel(b));
    }
}
