namespace Mpc.Runtime.Net;

/// <summary>
/// One party's links to its peers in a mesh: lane 0 (<see cref="Channels"/>) to every peer, and
/// further lanes to the computing parties when the mesh has them (<see cref="MeshSettings.Lanes"/>).
/// Disposing closes every link (after sending what is queued).
/// </summary>
public sealed class PartyLinks : IDisposable
{
    /// <summary>The lane the offline phase (preprocessing) uses when it runs concurrently with the online one.</summary>
    public const int OfflineLane = 1;

    private readonly Dictionary<PartyRole, IChannel> _channels;
    private readonly Dictionary<PartyRole, IChannel>[] _lanes;

    public PartyLinks(PartyRole self, IReadOnlyDictionary<PartyRole, IChannel> channels)
        : this(self, [channels])
    {
    }

    /// <summary>Links with several lanes: <paramref name="lanes"/>[0] to every peer, the others to computing parties only.</summary>
    public PartyLinks(PartyRole self, IReadOnlyList<IReadOnlyDictionary<PartyRole, IChannel>> lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        if (lanes.Count == 0)
        {
            throw new ArgumentException("a party has at least one lane of links", nameof(lanes));
        }

        Self = self;
        _lanes = [.. lanes.Select(l => new Dictionary<PartyRole, IChannel>(l))];
        _channels = _lanes[0];
    }

    /// <summary>How many lanes the mesh opened (1 unless <see cref="MeshSettings.Lanes"/> asked for more).</summary>
    public int LaneCount => _lanes.Length;

    /// <summary>The links of lane <paramref name="lane"/> (lane 0 is <see cref="Channels"/>).</summary>
    public IReadOnlyDictionary<PartyRole, IChannel> Lane(int lane) => (uint)lane < (uint)_lanes.Length
        ? _lanes[lane]
        : throw new InvalidOperationException(lane == OfflineLane
            ? $"{Self.ToName()}'s mesh has no offline lane: connect with MeshSettings.Lanes = 2 to preprocess concurrently"
            : $"{Self.ToName()}'s mesh has {_lanes.Length} lane(s), not lane {lane}");

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

    /// <summary>The party's traffic so far: bytes and frames summed over its links (every lane).</summary>
    public TrafficSnapshot Snapshot()
    {
        var total = default(TrafficSnapshot);
        foreach (var channel in _lanes.SelectMany(l => l.Values))
        {
            total += channel.Stats.Snapshot();
        }

        return total;
    }

    public void Dispose()
    {
        foreach (var channel in _lanes.SelectMany(l => l.Values))
        {
            channel.Dispose();
        }
    }
}
