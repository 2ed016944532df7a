using System.Runtime.InteropServices;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// A protocol's view of one <see cref="IChannel"/>: typed frames, and every frame counted in the
/// party's <see cref="ProtocolStats"/> under the current (phase, layer, operation).
/// </summary>
public sealed class Link
{
    private readonly IChannel _channel;
    private readonly ProtocolStats _stats;

    internal Link(IChannel channel, PartyId peer, ProtocolStats stats)
    {
        _channel = channel;
        Peer = peer;
        _stats = stats;
    }

    public PartyId Peer { get; }

    internal IChannel Channel => _channel;

    public void Send(ReadOnlySpan<byte> frame)
    {
        _channel.Send(frame);
        _stats.RecordSent(frame.Length);
    }

    public void Receive(Span<byte> destination)
    {
        _channel.Receive(destination);
        _stats.RecordReceived(destination.Length);
    }

    public void Send(ReadOnlySpan<ulong> values) => Send(MemoryMarshal.AsBytes(values));

    public void Receive(Span<ulong> destination) => Receive(MemoryMarshal.AsBytes(destination));
}
