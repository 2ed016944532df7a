using System.Net;
using System.Net.Sockets;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Tests.Net;

/// <summary>Helpers for loopback link tests: free ports, two roles connected at once, random frames.</summary>
internal static class NetTestSupport
{
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    /// <summary>A loopback port that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>server0 and server1 over loopback with the given security; disposing closes both ends.</summary>
    public static LinkPair Pair(MeshSecurity security, TimeSpan? timeout = null, long maxQueuedBytes = 1L << 30)
    {
        var mesh = Mesh.ConnectLoopback(
            [PartyRole.Server0, PartyRole.Server1],
            security,
            new TcpChannelOptions { Timeout = timeout ?? TimeSpan.FromSeconds(10), MaxQueuedBytes = maxQueuedBytes },
            connectTimeout: TimeSpan.FromSeconds(10));
        return new LinkPair(mesh[PartyRole.Server0][PartyRole.Server1], mesh[PartyRole.Server1][PartyRole.Server0], mesh);
    }

    /// <summary>Runs each function on its own thread; returns every result or exception.</summary>
    public static (T? Result, Exception? Error)[] RunConcurrently<T>(params Func<T>[] functions)
    {
        var results = new (T?, Exception?)[functions.Length];
        var threads = functions.Select((f, i) => new Thread(() =>
        {
            try
            {
                results[i] = (f(), null);
            }
            catch (Exception e)
            {
                results[i] = (default, e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Settings for one role on loopback with short timeouts: <paramref name="listener"/> listens on
    /// <paramref name="port"/>; plain TCP when <paramref name="credentials"/> is null.
    /// </summary>
    public static MeshSettings Settings(
        int port,
        TlsCredentials? credentials,
        PartyRole[]? roles = null,
        PartyRole listener = PartyRole.Server0,
        TimeSpan? timeout = null) => new()
    {
        Roles = roles ?? [PartyRole.Server0, PartyRole.Server1],
        Endpoints = new Dictionary<PartyRole, PartyEndpoint> { [listener] = new("127.0.0.1", port) },
        Security = credentials is null ? MeshSecurity.InsecurePlainTcp : MeshSecurity.Tls13,
        Credentials = credentials,
        ConnectTimeout = Short,
        Channel = new TcpChannelOptions { Timeout = timeout ?? Short },
    };

    public static void DisposeAll(IReadOnlyDictionary<PartyRole, PartyLinks> mesh)
    {
        foreach (var links in mesh.Values)
        {
            links.Dispose();
        }
    }
}

/// <summary>Two ends of one loopback link (server0's and server1's) and the mesh that owns them.</summary>
internal sealed record LinkPair(IChannel AtServer0, IChannel AtServer1, IReadOnlyDictionary<PartyRole, PartyLinks> Mesh) : IDisposable
{
    public void Dispose() => NetTestSupport.DisposeAll(Mesh);
}
