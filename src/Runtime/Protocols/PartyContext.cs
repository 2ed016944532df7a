using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>The channels from one party to the other two (the entry for the party itself is null).</summary>
public sealed record ProtocolLinks(IChannel? Server0, IChannel? Server1, IChannel? Helper)
{
    /// <summary>The computing-party links of a mesh connection (<see cref="Mesh"/>); a client link, if any, is not a protocol link.</summary>
    public static ProtocolLinks From(PartyLinks mesh) => From(mesh, 0);

    /// <summary>The computing-party links of lane <paramref name="lane"/> of a mesh connection (<see cref="MeshSettings.Lanes"/>).</summary>
    public static ProtocolLinks From(PartyLinks mesh, int lane)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var links = mesh.Lane(lane);
        IChannel? Get(PartyRole r) => links.TryGetValue(r, out var c) ? c : null;
        return new ProtocolLinks(Get(PartyRole.Server0), Get(PartyRole.Server1), Get(PartyRole.Helper));
    }

    /// <summary>
    /// The offline lane of a mesh connected with <c>Lanes = 2</c> (<see cref="PartyLinks.OfflineLane"/>),
    /// for <see cref="PartyContext.CreateOfflineContext"/>: preprocessing on its own connections, concurrently with the online phase.
    /// </summary>
    public static ProtocolLinks Offline(PartyLinks mesh) => From(mesh, PartyLinks.OfflineLane);

    internal IChannel? For(PartyId peer) => peer switch
    {
        PartyId.Server0 => Server0,
        PartyId.Server1 => Server1,
        PartyId.Helper => Helper,
        _ => throw new ArgumentOutOfRangeException(nameof(peer)),
    };
}

/// <summary>
/// Everything one computing party needs to run protocols: its role, its links to the other two
/// parties, the pairwise PRGs (server0-server1, server0-helper, server1-helper) and a private PRG,
/// and its traffic counters.
/// </summary>
/// <remarks>
/// Pairwise PRGs are how correlated randomness costs nothing to move: whatever a party's share can
/// be derived from a seed it holds with the helper is derived, never sent. The seeds are agreed by
/// <see cref="SharedPrg"/> (the lower-numbered party of each pair draws a fresh seed from the OS
/// CSPRNG and sends it once over the, in production TLS-authenticated, link), so only the two
/// parties of a pair know it. From each pair's stream two independent streams are forked, one for
/// this context and one for an offline context (<see cref="CreateOfflineContext"/>), so a
/// preprocessing thread and the online thread never compete for one stream. The private PRG is
/// seeded from the OS CSPRNG alone. Traffic is counted by the links and attributed by
/// <see cref="Stats"/>. A context is used by one thread at a time.
/// </remarks>
public sealed class PartyContext : IDisposable
{
    private readonly IChannel?[] _links = new IChannel?[3];
    private readonly AesPrg?[] _pairPrgs = new AesPrg?[3];
    private byte[][]? _offlineSeeds;

    private PartyContext(PartyId role, ProtocolLinks links, Phase initialPhase)
    {
        Role = role;
        Stats = new ProtocolStats(initialPhase);
        foreach (var peer in Enum.GetValues<PartyId>())
        {
            var channel = links.For(peer);
            if (peer == role)
            {
                if (channel is not null)
                {
                    throw new ArgumentException($"{role.ToName()} cannot have a link to itself", nameof(links));
                }

                continue;
            }

            if (channel is null)
            {
                throw new ArgumentException($"{role.ToName()} needs a link to {peer.ToName()}", nameof(links));
            }

            _links[(int)peer] = channel;
            Stats.Watch(channel);
        }

        Own = AesPrg.FromOsEntropy();
    }

    public PartyId Role { get; }

    public bool IsServer => Role.IsServer();

    public ProtocolStats Stats { get; }

    /// <summary>Arrays handed back by consumed material, shared with the offline context (see <see cref="ArrayRecycler"/>).</summary>
    internal ArrayRecycler Recycler { get; private init; } = new();

    /// <summary>This party's private PRG (seeded from the OS CSPRNG, known to no one else).</summary>
    internal AesPrg Own { get; }

    /// <summary>The other server (servers only).</summary>
    internal PartyId OtherServer => Role switch
    {
        PartyId.Server0 => PartyId.Server1,
        PartyId.Server1 => PartyId.Server0,
        _ => throw new InvalidOperationException("the helper has no other server"),
    };

    /// <summary>
    /// Connects a party: agrees on the pairwise seeds over <paramref name="links"/>
    /// (<see cref="SharedPrg.AgreeWithPeers"/>: one 16-byte frame per pair, from its lower-numbered
    /// party) and returns the context. All three parties must call it concurrently; it blocks until
    /// the seeds have arrived. Traffic counts as <see cref="Phase.Setup"/>.
    /// </summary>
    public static PartyContext Establish(PartyId role, ProtocolLinks links)
    {
        var context = new PartyContext(role, links, Phase.Setup);
        var peers = Enum.GetValues<PartyId>().Where(p => p != role).Select(p => KeyValuePair.Create(p.ToRole(), context.Peer(p)));
        var roots = SharedPrg.AgreeWithPeers(role.ToRole(), peers);
        context._offlineSeeds = new byte[3][];
        foreach (var (peer, root) in roots)
        {
            // Two independent sub-streams per pair: one for this (online) context, one for the offline context.
            var id = (int)peer;
            context._pairPrgs[id] = root.Fork();
            context._offlineSeeds[id] = new byte[AesPrg.SeedLength];
            root.Fill(context._offlineSeeds[id]);
        }

        context.Stats.Restore(new StatsKey(Phase.Online, "", ""));
        return context;
    }

    /// <summary>
    /// The context a preprocessing (offline) thread of the same party uses: same role, its own links
    /// (a second set of channels, so offline traffic never interleaves with online frames: in memory
    /// <see cref="InMemoryParties.Connect"/> with offline links, over TCP the mesh's offline lane,
    /// <see cref="ProtocolLinks.Offline"/>), streams forked from the same pairwise seeds, and its own
    /// counters (all under <see cref="Phase.Offline"/>). Callable once.
    /// </summary>
    public PartyContext CreateOfflineContext(ProtocolLinks offlineLinks)
    {
        var seeds = _offlineSeeds ?? throw new InvalidOperationException($"{Role.ToName()}: the offline context was already created");
        _offlineSeeds = null;
        var offline = new PartyContext(Role, offlineLinks, Phase.Offline) { Recycler = Recycler };
        foreach (var peer in Enum.GetValues<PartyId>())
        {
            if (peer != Role)
            {
                offline._pairPrgs[(int)peer] = new AesPrg(seeds[(int)peer]);
                Array.Clear(seeds[(int)peer]);
            }
        }

        return offline;
    }

    /// <summary>The link to <paramref name="peer"/> (its traffic is attributed by <see cref="Stats"/>).</summary>
    public IChannel Peer(PartyId peer) =>
        _links[(int)peer] ?? throw new InvalidOperationException($"{Role.ToName()} has no link to {peer.ToName()}");

    /// <summary>The PRG this party shares with <paramref name="peer"/>.</summary>
    internal AesPrg PairPrg(PartyId peer) =>
        _pairPrgs[(int)peer] ?? throw new InvalidOperationException($"{Role.ToName()} shares no PRG with {peer.ToName()}");

    /// <summary>Closes this party's sending directions (peers blocked on a receive fail fast instead of timing out).</summary>
    public void Dispose()
    {
        foreach (var link in _links)
        {
            link?.Dispose();
        }
    }
}
