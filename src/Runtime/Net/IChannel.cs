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
/// Traffic counters of one link end: bytes and frames each way. Bytes count payload only (not
/// framing or TLS). These are the only traffic counters in the runtime: a party's
/// <c>ProtocolStats</c> attributes their increments to (phase, layer, operation). Rounds are not a
/// property of a link; protocols declare them (docs/ARCHITECTURE.md, "Messages and counting").
/// </summary>
/// <remarks>Updated by the thread that sends or receives; readable from any thread.</remarks>
public sealed class ChannelStats
{
    private long _bytesSent;
    private long _framesSent;
    private long _bytesReceived;
    private long _framesReceived;

    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public void RecordSent(int bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _framesSent);
    }

    public void RecordReceived(int bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
        Interlocked.Increment(ref _framesReceived);
    }

    /// <summary>The counters now; subtract two snapshots to count a phase or a layer.</summary>
    public TrafficSnapshot Snapshot() => new(BytesSent, FramesSent, BytesReceived, FramesReceived);
}

/// <summary>Traffic counters at one moment (one link, or a party's links summed).</summary>
public readonly record struct TrafficSnapshot(long BytesSent, long FramesSent, long BytesReceived, long FramesReceived)
{
    /// <summary>The traffic between two snapshots.</summary>
    public static TrafficSnapshot operator -(TrafficSnapshot later, TrafficSnapshot earlier) => new(
        later.BytesSent - earlier.BytesSent,
        later.FramesSent - earlier.FramesSent,
        later.BytesReceived - earlier.BytesReceived,
        later.FramesReceived - earlier.FramesReceived);

    /// <summary>The sum of two link's (or two periods') traffic.</summary>
    public static TrafficSnapshot operator +(TrafficSnapshot a, TrafficSnapshot b) => new(
        a.BytesSent + b.BytesSent,
        a.FramesSent + b.FramesSent,
        a.BytesReceived + b.BytesReceived,
        a.FramesReceived + b.FramesReceived);
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
