using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Three connected parties in one process over <see cref="InMemoryChannel"/>s (tests, the
/// single-process <c>predict</c> command). Seeds are exchanged on three threads, as real parties would.
/// </summary>
public static class InMemoryParties
{
    /// <summary>
    /// Connects server0, server1 and the helper; returns their contexts indexed by <see cref="PartyId"/>.
    /// With <paramref name="withOffline"/>, each also gets an offline context on a second set of links
    /// (second array, same indexing), for preprocessing on its own thread.
    /// </summary>
    public static (PartyContext[] Online, PartyContext[]? Offline) Connect(bool withOffline = false, TimeSpan? timeout = null)
    {
        var online = CreateLinks(timeout);
        var offline = withOffline ? CreateLinks(timeout) : null;
        var contexts = new PartyContext[3];
        var errors = new Exception?[3];
        var threads = new Thread[3];
        for (var i = 0; i < 3; i++)
        {
            var role = (PartyId)i;
            threads[i] = new Thread(() =>
            {
                try
                {
                    contexts[(int)role] = PartyContext.Establish(role, online[(int)role]);
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
                throw new MpcException("connecting the in-memory parties failed", e);
            }
        }

        PartyContext[]? offlineContexts = null;
        if (offline is not null)
        {
            offlineContexts = new PartyContext[3];
            for (var i = 0; i < 3; i++)
            {
                offlineContexts[i] = contexts[i].CreateOfflineContext(offline[i]);
            }
        }

        return (contexts, offlineContexts);
    }

    private static ProtocolLinks[] CreateLinks(TimeSpan? timeout)
    {
        var (s0s1, s1s0) = InMemoryChannel.CreatePair("server0", "server1", timeout);
        var (s0h, hs0) = InMemoryChannel.CreatePair("server0", "helper", timeout);
        var (s1h, hs1) = InMemoryChannel.CreatePair("server1", "helper", timeout);
        return
        [
            new ProtocolLinks(null, s0s1, s0h),
            new ProtocolLinks(s1s0, null, s1h),
            new ProtocolLinks(hs0, hs1, null),
        ];
    }
}
