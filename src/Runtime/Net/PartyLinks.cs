namespace Mpc.Runtime.Net;

/// <summary>
/// One party's links to its peers in a mesh, and its traffic counters. Disposing closes every link
/// (after sending what is queued).
/// </summary>
public sealed class PartyLinks : IDisposable
{
    private readonly Dictionary<PartyRole, IChannel> _channels;

    public PartyLinks(PartyRole self, IReadOnlyDictionary<PartyRole, IChannel> channels, RoundCounter rounds)
    {
        Self = self;
        _channels = new Dictionary<PartyRole, IChannel>(channels);
        Rounds = rounds;
    }

    /// <summary>The role this party plays.</summary>
    public PartyRole Self { get; }

    /// <summary>The link to each peer.</summary>
    public IReadOnlyDictionary<PartyRole, IChannel> Channels => _channels;

    /// <summary>This party's rounds over all its links (see <see cref="ChannelStats"/>).</summary>
    public RoundCounter Rounds { get; }

    /// <summary>The link to <paramref name="peer"/>.</summary>
    public IChannel this[PartyRole peer] => _channels.TryGetValue(peer, out var channel)
        ? channel
        : throw new InvalidOperationException($"{Self.ToName()} has no link to {peer.ToName()}");

    /// <summary>The link to the computing party <paramref name="peer"/>.</summary>
    public IChannel this[PartyId peer] => this[peer.ToRole()];

    /// <summary>The party's traffic so far: bytes and frames summed over its links, and its rounds.</summary>
    public TrafficSnapshot Snapshot()
    {
        long bytesSent = 0, framesSent = 0, bytesReceived = 0, framesReceived = 0;
        foreach (var channel in _channels.Values)
        {
            var s = channel.Stats;
            bytesSent += s.BytesSent;
            framesSent += s.FramesSent;
            bytesReceived += s.BytesReceived;
            framesReceived += s.FramesReceived;
        }

        return new TrafficSnapshot(bytesSent, framesSent, bytesReceived, framesReceived, Rounds.Rounds);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
