using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Three connected parties in one process (tests, the single-process <c>predict</c> command): over
/// <see cref="InMemoryChannel"/>s, or over any mesh the caller connected (e.g.
/// <see cref="Mesh.ConnectLoopback"/>). Seeds are agreed on three threads, as real parties would.
/// </summary>
public static class InMemoryParties
{
    private static readonly PartyRole[] ComputingParties = [PartyRole.Server0, PartyRole.Server1, PartyRole.Helper];

    /// <summary>
    /// Connects server0, server1 and the helper in memory; returns their contexts indexed by <see cref="PartyId"/>.
    /// With <paramref name="withOffline"/>, each also gets an offline context on a second lane of links
    /// (second array, same indexing), for preprocessing on its own thread.
    /// </summary>
    public static (PartyContext[] Online, PartyContext[]? Offline) Connect(bool withOffline = false, TimeSpan? timeout = null) =>
        Establish(Mesh.CreateInMemory(ComputingParties, timeout ?? TimeSpan.FromSeconds(60), withOffline ? 2 : 1));

    /// <summary>
    /// Establishes the three computing parties of <paramref name="mesh"/> (each party's links, lane 0)
    /// concurrently; if the mesh has an offline lane (<see cref="PartyLinks.OfflineLane"/>), each party
    /// also gets an offline context on it.
    /// </summary>
    public static (PartyContext[] Online, PartyContext[]? Offline) Establish(IReadOnlyDictionary<PartyRole, PartyLinks> mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var contexts = new PartyContext[3];
        var errors = new Exception?[3];
        var threads = new Thread[3];
        for (var i = 0; i < 3; i++)
        {
            var role = (PartyId)i;
            var links = mesh[role.ToRole()];
            threads[i] = new Thread(() =>
            {
                try
                {
                    contexts[(int)role] = PartyContext.Establish(role, ProtocolLinks.From(links));
                }
                catch (Exception e)
                {
                    errors[(int)role] = e;
                }
            })
            { IsBackground = true, Name = $"connect {role.ToName()}" };
            threads[i].Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        foreach (var e in errors)
        {
            if (e is not null)
            {
                throw new MpcException("connecting the parties failed", e);
            }
        }

        PartyContext[]? offline = null;
        if (mesh.Values.All(l => l.LaneCount > PartyLinks.OfflineLane))
        {
            offline = new PartyContext[3];
            for (var i = 0; i < 3; i++)
            {
                offline[i] = contexts[i].CreateOfflineContext(ProtocolLinks.Offline(mesh[((PartyId)i).ToRole()]));
            }
        }

        return (contexts, offline);
    }
}
