using System.Net.Sockets;

namespace Mpc.Runtime.Net;

/// <summary>
/// The listening side of a mesh: accepts connections until every expected dialer has a link or the
/// deadline passes. Each connection's handshake runs on its own thread, so a stray or stuck
/// connection cannot hold up the others; refused connections are remembered for the error message.
/// </summary>
internal static class MeshAcceptor
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static Dictionary<PartyRole, TcpChannel> AcceptAll(
        PartyRole self,
        Socket listener,
        IReadOnlyCollection<PartyRole> expected,
        MeshSettings settings,
        Deadline deadline)
    {
        var sync = new object();
        var links = new Dictionary<PartyRole, TcpChannel>();
        var refusals = new List<string>();
        var handshakes = new List<Thread>();
        bool IsConnected(PartyRole r)
        {
            lock (sync)
            {
                return links.ContainsKey(r);
            }
        }

        bool Done()
        {
            lock (sync)
            {
                return links.Count == expected.Count;
            }
        }

        try
        {
            while (!Done() && !deadline.Expired)
            {
                var wait = deadline.Remaining < PollInterval ? deadline.Remaining : PollInterval;
                if (!listener.Poll(wait, SelectMode.SelectRead))
                {
                    continue;
                }

                var socket = listener.Accept();
                var handshake = new Thread(() =>
                {
                    var (channel, dialer, refusal) = LinkSetup.Accept(socket, self, expected, IsConnected, settings, deadline);
                    lock (sync)
                    {
                        if (channel is null)
                        {
                            refusals.Add(refusal!);
                        }
                        else if (!links.TryAdd(dialer, channel))
                        {
                            // Two connections claiming the same role raced past the duplicate check.
                            channel.Dispose();
                            refusals.Add($"a second connection from {dialer.ToName()} was dropped");
                        }
                    }
                }) { IsBackground = true, Name = "mpc accept" };
                lock (sync)
                {
                    handshakes.Add(handshake);
                }

                handshake.Start();
            }

            // On failure, wait for handshakes under way (they end by the deadline: their socket
            // timeouts are set from it) so their refusals make it into the message. On success,
            // stragglers are refused as duplicates or unexpected and never touch the result.
            if (!Done())
            {
                foreach (var handshake in handshakes)
                {
                    handshake.Join();
                }
            }
        }
        catch
        {
            Dispose(links, sync);
            throw;
        }

        lock (sync)
        {
            if (links.Count == expected.Count)
            {
                return new Dictionary<PartyRole, TcpChannel>(links);
            }

            var missing = expected.Where(r => !links.ContainsKey(r)).ToList();
            var names = ChannelErrors.List(missing.Select(r => r.ToName()));
            var message = $"{names} did not connect to {self.ToName()} (listening on {listener.LocalEndPoint}) within {ChannelErrors.Seconds(settings.ConnectTimeout)}";
            if (refusals.Count > 0)
            {
                message += "; refused: " + string.Join("; ", refusals.Distinct());
            }

            foreach (var channel in links.Values)
            {
                channel.Dispose();
            }

            throw new ChannelException(missing[0].ToName(), message);
        }
    }

    private static void Dispose(Dictionary<PartyRole, TcpChannel> links, object sync)
    {
        lock (sync)
        {
            foreach (var channel in links.Values)
            {
                channel.Dispose();
            }
        }
    }
}
