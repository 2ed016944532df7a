using System.Runtime.InteropServices;

namespace Mpc.Runtime.Net;

/// <summary>
/// One party's end of an ordered, reliable, point-to-point link to one peer.
/// </summary>
/// <remarks>
/// Messages are frames: every <see cref="Send"/> is matched by exactly one <see cref="Receive"/> of the
/// same length on the peer, in the same order. Protocols know every frame's length in advance, so
/// the receiver states the length it expects and a mismatch is an error rather than a silent
/// misparse. <see cref="Send"/> never waits for the peer to receive (the frame is copied or queued),
/// so two parties may send to each other before either receives without deadlocking.
/// Implementations are used by one thread at a time per direction.
/// </remarks>
public interface IChannel : IDisposable
{
    /// <summary>The peer's name ("server0", "server1", "helper", "client"), used in every error.</summary>
    string PeerName { get; }

    /// <summary>Queues one frame for the peer.</summary>
    void Send(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Receives the next frame into <paramref name="destination"/>. Throws <see cref="ChannelException"/>
    /// naming the peer if the frame's length differs from <c>destination.Length</c>, if the peer
    /// disconnects, or if nothing arrives within the channel's timeout.
    /// </summary>
    void Receive(Span<byte> destination);

    /// <summary>Bytes and frames moved over this link so far.</summary>
    ChannelStats Stats { get; }
}

/// <summary>
/// Traffic counters of one link end. Bytes count payload only (not framing or TLS).
/// </summary>
/// <remarks>
/// A <em>round</em> is one send-then-wait step: a receive that follows at least one send since the
/// previous counted round. <see cref="Rounds"/> counts them on this link alone; a
/// <see cref="RoundCounter"/> shared by all links of a party (see <see cref="ChannelStats(RoundCounter?)"/>)
/// counts them for the party, so sending to both peers and then receiving from both is one round.
/// The counting is automatic: protocols only send and receive.
/// </remarks>
public sealed class ChannelStats
{
    private readonly RoundCounter? _party;
    private long _bytesSent;
    private long _framesSent;
    private long _bytesReceived;
    private long _framesReceived;
    private long _rounds;
    private int _sentSinceReceive;

    public ChannelStats()
        : this(null)
    {
    }

    /// <summary>Counters that also report every send and receive to the party's <paramref name="party"/> counter.</summary>
    public ChannelStats(RoundCounter? party) => _party = party;

    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    /// <summary>Send-then-wait steps on this link.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    public void RecordSent(int bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _framesSent);
        Volatile.Write(ref _sentSinceReceive, 1);
        _party?.RecordSend();
    }

    public void RecordReceived(int bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
        Interlocked.Increment(ref _framesReceived);
        if (Interlocked.Exchange(ref _sentSinceReceive, 0) == 1)
        {
            Interlocked.Increment(ref _rounds);
        }

        _party?.RecordReceive();
    }

    /// <summary>The counters now; subtract two snapshots to count a phase or a layer.</summary>
    public TrafficSnapshot Snapshot() => new(BytesSent, FramesSent, BytesReceived, FramesReceived, Rounds);
}

/// <summary>
/// A party's rounds over all its links: a receive on any link that follows a send on any link since
/// the previous counted round. Shared by the <see cref="ChannelStats"/> of one party's links.
/// </summary>
public sealed class RoundCounter
{
    private long _rounds;
    private int _sentSinceReceive;

    public long Rounds => Interlocked.Read(ref _rounds);

    internal void RecordSend() => Volatile.Write(ref _sentSinceReceive, 1);

    internal void RecordReceive()
    {
        if (Interlocked.Exchange(ref _sentSinceReceive, 0) == 1)
        {
            Interlocked.Increment(ref _rounds);
        }
    }
}

/// <summary>Traffic counters at one moment (one link, or a party's links summed).</summary>
public readonly record struct TrafficSnapshot(long BytesSent, long FramesSent, long BytesReceived, long FramesReceived, long Rounds)
{
    /// <summary>The traffic between two snapshots.</summary>
    public static TrafficSnapshot operator -(TrafficSnapshot later, TrafficSnapshot earlier) => new(
        later.BytesSent - earlier.BytesSent,
        later.FramesSent - earlier.FramesSent,
        later.BytesReceived - earlier.BytesReceived,
        later.FramesReceived - earlier.FramesReceived,
        later.Rounds - earlier.Rounds);
}

/// <summary>A link failed: the peer disconnected, stayed silent past the timeout, or broke framing.</summary>
public sealed class ChannelException : MpcException
{
    public ChannelException(string peer, string message, Exception? inner = null)
        : base(message, inner) => Peer = peer;

    /// <summary>The peer's name.</summary>
    public string Peer { get; }
}

/// <summary>Typed views over <see cref="IChannel"/>: ring elements travel as their little-endian bytes.</summary>
public static class ChannelExtensions
{
    public static void Send<T>(this IChannel channel, ReadOnlySpan<T> values)
        where T : unmanaged => channel.Send(MemoryMarshal.AsBytes(values));

    public static void Receive<T>(this IChannel channel, Span<T> destination)
        where T : unmanaged => channel.Receive(MemoryMarshal.AsBytes(destination));
}
