using Mpc.Runtime.Net;

namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Passes frames through and keeps a copy of every frame received: a party's view of one link.</summary>
internal sealed class RecordingChannel(IChannel inner) : IChannel
{
    public List<byte[]> Received { get; } = [];

    public string PeerName => inner.PeerName;

    public ChannelStats Stats => inner.Stats;

    public void Send(ReadOnlySpan<byte> frame) => inner.Send(frame);

    public void Receive(Span<byte> destination)
    {
        inner.Receive(destination);
        Received.Add(destination.ToArray());
    }

    public void Dispose() => inner.Dispose();
}
