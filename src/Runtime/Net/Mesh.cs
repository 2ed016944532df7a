using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Mpc.Runtime.Net;

/// <summary>
/// Connects the parties of a deployment. The links are server0-server1, server0-helper,
/// server1-helper, client-server0 and client-server1 (the client never talks to the helper).
/// </summary>
/// <remarks>
/// Listen/dial rule: on every link the higher-numbered role (server0 = 0 &lt; server1 &lt; helper
/// &lt; client = 3) dials the lower-numbered one. So server0 listens (for server1, helper and the
/// client), server1 listens (for the helper and the client) and dials server0, and the helper and
/// the client only dial: they need no open port. Dials are retried every 100 ms until
/// <see cref="MeshSettings.ConnectTimeout"/>, so the parties may start in any order; past it the
/// error names the peer that did not appear.
/// </remarks>
public static class Mesh
{
    /// <summary>True if <paramref name="a"/> and <paramref name="b"/> share a link.</summary>
    public static bool AreLinked(PartyRole a, PartyRole b) =>
        a != b && !((a == PartyRole.Helper && b == PartyRole.Client) || (a == PartyRole.Client && b == PartyRole.Helper));

    /// <summary>True if <paramref name="self"/> dials <paramref name="peer"/> (rather than accepting it).</summary>
    public static bool Dials(PartyRole self, PartyRole peer) => self > peer;

    /// <summary>The roles among <paramref name="roles"/> that <paramref name="self"/> links to.</summary>
    public static IReadOnlyList<PartyRole> PeersOf(PartyRole self, IEnumerable<PartyRole> roles) =>
        [.. roles.Distinct().Where(r => AreLinked(self, r)).Order()];

    /// <summary>
    /// Establishes this party's links (to <paramref name="peers"/>, by default every linked role in
    /// <see cref="MeshSettings.Roles"/>) and returns them. Throws <see cref="ChannelException"/> naming
    /// the peer when a link cannot be made within the connect timeout, <see cref="MpcInputException"/>
    /// for bad settings.
    /// </summary>
    public static PartyLinks Connect(PartyRole self, MeshSettings settings, IReadOnlyCollection<PartyRole>? peers = null) =>
        Connect(self, settings, peers, listener: null);

    /// <summary>Reads the parties config and connects as <paramref name="self"/> (see <see cref="PartiesConfig"/>).</summary>
    public static PartyLinks Connect(PartyRole self, string partiesConfigFile)
    {
        // The credentials stay alive with the TLS links that use them.
        var settings = PartiesConfig.Load(partiesConfigFile).ToMeshSettings(self);
        return Connect(self, settings);
    }

    /// <summary>
    /// All of <paramref name="roles"/> in this process over loopback TCP (TLS 1.3 with fresh in-memory
    /// certificates, unless <paramref name="security"/> says otherwise), each role on its own links:
    /// the single-process <c>predict</c> mode and tests. Ports are chosen by the OS.
    /// </summary>
    /// <remarks><paramref name="lanes"/>: connections per pair of computing parties (<see cref="MeshSettings.Lanes"/>).</remarks>
    public static IReadOnlyDictionary<PartyRole, PartyLinks> ConnectLoopback(
        IReadOnlyCollection<PartyRole>? roles = null,
        MeshSecurity security = MeshSecurity.Tls13,
        TcpChannelOptions? channel = null,
        TimeSpan? connectTimeout = null,
        int lanes = 1)
    {
        roles ??= PartyRoleExtensions.All;
        var credentials = security == MeshSecurity.Tls13 ? CertificateAuthority.CreateInMemoryDeployment(roles.Select(r => r.ToName())) : null;
        var listeners = new Dictionary<PartyRole, Socket>();
        var results = new Dictionary<PartyRole, PartyLinks>();
        var failures = new List<Exception>();
        try
        {
            foreach (var role in roles.Where(r => roles.Any(p => AreLinked(r, p) && Dials(p, r))))
            {
                listeners[role] = LinkSetup.Listen(role, new PartyEndpoint("127.0.0.1", 0), channel ?? new TcpChannelOptions());
            }

            var endpoints = listeners.ToDictionary(l => l.Key, l => new PartyEndpoint("127.0.0.1", ((IPEndPoint)l.Value.LocalEndPoint!).Port));
            var threads = roles.Select(role => new Thread(() =>
            {
                var settings = new MeshSettings
                {
                    Roles = roles,
                    Endpoints = endpoints,
                    Security = security,
                    Credentials = credentials?[role.ToName()],
                    ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(30),
                    Channel = channel ?? new TcpChannelOptions(),
                    Lanes = lanes,
                };
                try
                {
                    var links = Connect(role, settings, null, listeners.GetValueOrDefault(role));
                    lock (results)
                    {
                        results[role] = links;
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            }) { IsBackground = true, Name = "mpc mesh " + role.ToName() }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }
        finally
        {
            // The listeners are done; the credentials stay alive with the TLS links that use them.
            foreach (var listener in listeners.Values)
            {
                listener.Dispose();
            }
        }

        if (failures.Count > 0)
        {
            foreach (var links in results.Values)
            {
                links.Dispose();
            }

            ThrowCombined(failures);
        }

        return results;
    }

    /// <summary>The same mesh in memory (<see cref="InMemoryChannel"/>), with <paramref name="lanes"/> links per pair of computing parties.</summary>
    public static IReadOnlyDictionary<PartyRole, PartyLinks> CreateInMemory(IReadOnlyCollection<PartyRole>? roles = null, TimeSpan? timeout = null, int lanes = 1)
    {
        roles ??= PartyRoleExtensions.All;
        var shape = new MeshSettings { Endpoints = new Dictionary<PartyRole, PartyEndpoint>(), Lanes = lanes };
        shape.Validate();
        var channels = roles.ToDictionary(r => r, _ => Enumerable.Range(0, lanes).Select(_ => new Dictionary<PartyRole, IChannel>()).ToArray());
        foreach (var a in roles)
        {
            foreach (var b in roles.Where(b => a < b && AreLinked(a, b)))
            {
                for (var lane = 0; lane < shape.LanesBetween(a, b); lane++)
                {
                    var (atA, atB) = InMemoryChannel.CreatePair(a.ToName(), b.ToName(), timeout ?? TimeSpan.FromSeconds(60));
                    channels[a][lane][b] = atA;
                    channels[b][lane][a] = atB;
                }
            }
        }

        return roles.ToDictionary(r => r, r => new PartyLinks(r, channels[r]));
    }

    internal static PartyLinks Connect(PartyRole self, MeshSettings settings, IReadOnlyCollection<PartyRole>? peers, Socket? listener)
    {
        settings.Validate();
        var peerList = peers is null ? PeersOf(self, settings.Roles) : [.. peers.Distinct()];
        foreach (var peer in peerList.Where(p => !AreLinked(self, p)))
        {
            throw new ArgumentException($"{self.ToName()} has no link to {peer.ToName()}", nameof(peers));
        }

        if (settings.Security == MeshSecurity.Tls13)
        {
            var credentials = settings.Credentials
                ?? throw new MpcInputException($"{self.ToName()} needs a certificate and key for TLS (or the insecure plain TCP setting)");
            if (credentials.Name != self.ToName())
            {
                throw new MpcInputException($"the certificate given to {self.ToName()} is for '{credentials.Name}'");
            }
        }

        var targets = peerList.Where(p => Dials(self, p)).ToList();
        var dialers = peerList.Where(p => Dials(p, self)).ToList();
        foreach (var target in targets.Where(t => !settings.Endpoints.ContainsKey(t)))
        {
            throw new MpcInputException($"no host and port for {target.ToName()}, which {self.ToName()} dials");
        }

        if (dialers.Count > 0 && listener is null && !settings.Endpoints.ContainsKey(self))
        {
            throw new MpcInputException($"no host and port for {self.ToName()}, which listens for {ChannelErrors.List(dialers.Select(d => d.ToName()))}");
        }

        var deadline = new Deadline(settings.ConnectTimeout);
        var channels = new Dictionary<(PartyRole Role, int Lane), IChannel>();
        var failures = new List<Exception>();
        var ownsListener = listener is null;
        listener ??= dialers.Count > 0 ? LinkSetup.Listen(self, settings.Endpoints[self], settings.Channel) : null;
        try
        {
            var dials = targets.SelectMany(t => Enumerable.Range(0, settings.LanesBetween(self, t)).Select(lane => (Target: t, Lane: lane)));
            var threads = dials.Select(d => new Thread(() =>
            {
                try
                {
                    var channel = LinkSetup.Dial(self, d.Target, d.Lane, settings.Endpoints[d.Target], settings, deadline);
                    lock (channels)
                    {
                        channels[d] = channel;
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            }) { IsBackground = true, Name = $"mpc dial {d.Target.ToName()} lane {d.Lane}" }).ToList();
            threads.ForEach(t => t.Start());
            if (listener is not null)
            {
                try
                {
                    foreach (var (key, channel) in MeshAcceptor.AcceptAll(self, listener, dialers, settings, deadline))
                    {
                        lock (channels)
                        {
                            channels[key] = channel;
                        }
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            }

            threads.ForEach(t => t.Join());
        }
        finally
        {
            if (ownsListener)
            {
                listener?.Dispose();
            }
        }

        if (failures.Count > 0)
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }

            ThrowCombined(failures);
        }

        var lanes = Enumerable.Range(0, settings.Lanes)
            .Select(lane => (IReadOnlyDictionary<PartyRole, IChannel>)channels.Where(c => c.Key.Lane == lane).ToDictionary(c => c.Key.Role, c => c.Value))
            .ToList();
        return new PartyLinks(self, lanes);
    }

    /// <summary>Rethrows one failure as it is, several as one <see cref="ChannelException"/> listing them all.</summary>
    private static void ThrowCombined(List<Exception> failures)
    {
        if (failures.Count == 1 || failures.Any(f => f is not MpcException))
        {
            ExceptionDispatchInfo.Throw(failures.FirstOrDefault(f => f is not MpcException) ?? failures[0]);
        }

        var first = failures.OfType<ChannelException>().FirstOrDefault();
        var message = string.Join("; ", failures.Select(f => f.Message).Distinct());
        throw first is null ? new MpcInputException(message, failures[0]) : new ChannelException(first.Peer, message, first);
    }
}
