namespace Mpc.Runtime.Net;

/// <summary>
/// One party's links to its peers in a mesh. Disposing closes every link
/// (after sending what is queued).
/// </summary>
public sealed class PartyLinks : IDisposable
{
    private readonly Dictionary<PartyRole, IChannel> _channels;

    public PartyLinks(PartyRole self, IReadOnlyDictionary<PartyRole, IChannel> channels)
    {
        Self = self;
        _channels = new Dictionary<PartyRole, IChannel>(channels);
    }

    /// <summary>The role this party plays.</summary>
    public PartyRole Self { get; }

    /// <summary>The link to each peer.</summary>
    public IReadOnlyDictionary<PartyRole, IChannel> Channels => _channels;

    /// <summary>The link to <paramref name="peer"/>.</summary>
    public IChannel this[PartyRole peer] => _channels.TryGetValue(peer, out var channel)
        ? channel
        : throw new InvalidOperationException($"{Self.ToName()} has no link to {peer.ToName()}");

    /// <summary>The link to the computing party <paramref name="peer"/>.</summary>
    public IChannel this[PartyId peer] => this[peer.ToRole()];

    /// <summary>The party's traffic so far: bytes and frames summed over its links.</summary>
    public TrafficSnapshot Snapshot()
    {
        var total = default(TrafficSnapshot);
        foreach (var channel in _channels.Values)
        {
            total += channel.Stats.Snapshot();
        }

        return total;
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
