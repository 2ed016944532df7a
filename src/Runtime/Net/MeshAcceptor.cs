using System.Net.Sockets;

namespace Mpc.Runtime.Net;

/// <summary>
/// The listening side of a mesh: accepts connections until every expected dialer has a link on each
/// of its lanes (<see cref="MeshSettings.LanesBetween"/>) or the deadline passes. Each connection's handshake runs on its own thread, so a stray or stuck
/// connection cannot hold up the others; refused connections are remembered for the error message.
/// </summary>
internal static class MeshAcceptor
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static Dictionary<(PartyRole Role, int Lane), TcpChannel> AcceptAll(
        PartyRole self,
        Socket listener,
        IReadOnlyCollection<PartyRole> expected,
        MeshSettings settings,
        Deadline deadline)
    {
        var sync = new object();
        var links = new Dictionary<(PartyRole Role, int Lane), TcpChannel>();
        var wanted = expected.SelectMany(r => Enumerable.Range(0, settings.LanesBetween(r, self)).Select(l => (Role: r, Lane: l))).ToList();
        var refusals = new List<string>();
        var handshakes = new List<Thread>();
        bool IsConnected(PartyRole r, int lane)
        {
            lock (sync)
            {
                return links.ContainsKey((r, lane));
            }
        }

        bool Done()
        {
            lock (sync)
            {
                return links.Count == wanted.Count;
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
                    var (channel, dialer, lane, refusal) = LinkSetup.Accept(socket, self, expected, IsConnected, settings, deadline);
                    lock (sync)
                    {
                        if (channel is null)
                        {
                            refusals.Add(refusal!);
                        }
                        else if (!links.TryAdd((dialer, lane), channel))
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
            if (links.Count == wanted.Count)
            {
                return new Dictionary<(PartyRole, int), TcpChannel>(links);
            }

            var missingLinks = wanted.Where(w => !links.ContainsKey(w)).ToList();
            var missing = missingLinks.Select(w => w.Role).Distinct().ToList();
            var names = ChannelErrors.List(missingLinks.Select(w => w.Lane == 0 ? w.Role.ToName() : $"{w.Role.ToName()} (lane {w.Lane})"));
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

    private static void Dispose(Dictionary<(PartyRole, int), TcpChannel> links, object sync)
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
