using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Mpc.Runtime.Net;

/// <summary>
/// Opens one link: TCP connect (retried until the deadline) or accept, the TLS 1.3 handshake with
/// both certificates checked, and a 16-byte hello in each direction that states who dials whom, so
/// that a wrong port or a mixed-up config is reported by name instead of as a protocol error later.
/// </summary>
/// <remarks>
/// Hello (dialer to listener): "MPCMESH1", the dialer's role, the role it means to reach, the lane
/// (0 for the first connection of a pair, see <see cref="MeshSettings.Lanes"/>), five zero bytes.
/// Reply: "MPCMESH1", a <see cref="HelloStatus"/>, the listener's role, the lane, five zero bytes. The
/// sockets stay in blocking mode throughout (connect uses a non-blocking attempt and poll, then
/// switches back), which is the fast path for the bulk transfers that follow.
/// </remarks>
internal static class LinkSetup
{
    private const int HelloLength = 16;
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    public enum HelloStatus : byte
    {
        Ok = 0,
        WrongTarget = 1,
        NotExpected = 2,
        Duplicate = 3,
        NameMismatch = 4,
    }

    private static ReadOnlySpan<byte> Magic => "MPCMESH1"u8;

    /// <summary>Dials <paramref name="target"/> until it answers or the deadline passes.</summary>
    public static TcpChannel Dial(PartyRole self, PartyRole target, int lane, PartyEndpoint endpoint, MeshSettings settings, Deadline deadline)
    {
        var peer = target.ToName();
        var where = lane == 0 ? $"{peer} at {endpoint}" : $"{peer} at {endpoint} (lane {lane})";
        var socket = ConnectWithRetry(peer, where, endpoint, settings, deadline);
        SslStream? tls = null;
        try
        {
            TcpChannel.ApplyTimeouts(socket, deadline.Remaining);
            var socketStream = new SocketStream(socket);
            Stream stream = socketStream;
            if (settings.Security == MeshSecurity.Tls13)
            {
                tls = TlsHandshake.AsClient(socketStream, peer, where, settings.Credentials!);
                stream = tls;
            }

            Span<byte> hello = stackalloc byte[HelloLength];
            WriteHello(hello, (byte)self, (byte)target, (byte)lane);
            Span<byte> reply = stackalloc byte[HelloLength];
            try
            {
                stream.Write(hello);
                stream.Flush();
                stream.ReadExactly(reply);
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
            {
                throw new ChannelException(peer, settings.Security == MeshSecurity.Tls13
                    ? $"{where} closed the connection during setup: it refused this party's certificate, or it is not {peer} ({e.Message})"
                    : $"{where} closed the connection during setup: is it an MpcCompiler party with the same security setting? ({e.Message})", e);
            }

            var status = HasMagic(reply) ? (HelloStatus)reply[8] : (HelloStatus)0xFF;
            var listener = Name(reply[9]);
            if (status is not HelloStatus.Ok)
            {
                throw new ChannelException(peer, status switch
                {
                    HelloStatus.WrongTarget => $"{where} is {listener}, not {peer}: check {peer}'s port in the parties config",
                    HelloStatus.NotExpected => lane == 0
                        ? $"{where} does not expect a link from {self.ToName()}: do both use the same parties config?"
                        : $"{where} does not expect lane {lane} from {self.ToName()}: do both use the same number of lanes?",
                    HelloStatus.Duplicate => $"{where} already has a link from {self.ToName()}: is another {self.ToName()} running?",
                    HelloStatus.NameMismatch => $"{where} refused the link: this party's certificate does not name {self.ToName()}",
                    _ => $"{where} is not an MpcCompiler party of this version (it answered the setup message with other bytes)",
                });
            }

            return new TcpChannel(peer, socket, socketStream, tls, settings.Channel);
        }
        catch
        {
            tls?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Serves one accepted connection: TLS as the server (the client must present a certificate naming
    /// one of <paramref name="expected"/>), then the hello. Returns the channel, the dialer's role and
    /// lane, or null with the reason it was refused.
    /// </summary>
    public static (TcpChannel? Channel, PartyRole Dialer, int Lane, string? Refusal) Accept(
        Socket socket,
        PartyRole self,
        IReadOnlyCollection<PartyRole> expected,
        Func<PartyRole, int, bool> isConnected,
        MeshSettings settings,
        Deadline deadline)
    {
        var from = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        SslStream? tls = null;
        try
        {
            Configure(socket, settings.Channel);
            TcpChannel.ApplyTimeouts(socket, deadline.Remaining);
            var socketStream = new SocketStream(socket);
            Stream stream = socketStream;
            PartyRole? certified = null;
            if (settings.Security == MeshSecurity.Tls13)
            {
                (tls, certified, var refusal) = TlsHandshake.AsServer(socketStream, expected, settings.Credentials!);
                if (tls is null)
                {
                    socket.Dispose();
                    return (null, default, 0, $"a connection from {from}: {refusal}");
                }

                stream = tls;
            }

            Span<byte> hello = stackalloc byte[HelloLength];
            stream.ReadExactly(hello);
            if (!HasMagic(hello))
            {
                // Not our protocol: drop it without an answer.
                tls?.Dispose();
                socket.Dispose();
                return (null, default, 0, $"a connection from {from} did not speak the MpcCompiler setup protocol (is it a party with the same security setting?)");
            }

            var dialer = (PartyRole)hello[8];
            var lane = hello[10];
            var status = hello[9] != (byte)self ? HelloStatus.WrongTarget
                : !expected.Contains(dialer) || lane >= settings.LanesBetween(dialer, self) ? HelloStatus.NotExpected
                : certified is not null && certified != dialer ? HelloStatus.NameMismatch
                : isConnected(dialer, lane) ? HelloStatus.Duplicate
                : HelloStatus.Ok;

            Span<byte> reply = stackalloc byte[HelloLength];
            WriteHello(reply, (byte)status, (byte)self, lane);
            stream.Write(reply);
            stream.Flush();
            if (status is not HelloStatus.Ok)
            {
                tls?.Dispose();
                socket.Dispose();
                return (null, dialer, lane, $"a connection from {from} claiming to be {Name(hello[8])} (lane {lane}) was refused ({status})");
            }

            return (new TcpChannel(dialer.ToName(), socket, socketStream, tls, settings.Channel), dialer, lane, null);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
        {
            tls?.Dispose();
            socket.Dispose();
            return (null, default, 0, $"a connection from {from} failed during setup: {e.Message}");
        }
    }

    /// <summary>Binds and listens on <paramref name="endpoint"/>.</summary>
    public static Socket Listen(PartyRole self, PartyEndpoint endpoint, TcpChannelOptions options)
    {
        IPAddress address;
        if (endpoint.Bind is { } bind)
        {
            if (!IPAddress.TryParse(bind, out address!))
            {
                throw new MpcInputException($"{self.ToName()}'s bind address '{bind}' is not an IP address");
            }
        }
        else if (!IPAddress.TryParse(endpoint.Host, out address!))
        {
            address = IPAddress.IPv6Any;
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // Accepted sockets inherit the buffer sizes, which must be set before the handshake to
            // take part in TCP window scaling.
            Configure(socket, options);
            socket.Bind(new IPEndPoint(address, endpoint.Port));
            socket.Listen(16);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MpcInputException(
                $"{self.ToName()} cannot listen on {address}:{endpoint.Port}: {Explain(e.SocketErrorCode)} (is another party running there, or is {self.ToName()}'s port wrong?)", e);
        }
    }

    /// <summary>Nagle off (frames go out at once) and the configured socket buffers.</summary>
    public static void Configure(Socket socket, TcpChannelOptions options)
    {
        socket.NoDelay = true;
        if (options.SocketBufferSize > 0)
        {
            socket.SendBufferSize = options.SocketBufferSize;
            socket.ReceiveBufferSize = options.SocketBufferSize;
        }
    }

    private static Socket ConnectWithRetry(string peer, string where, PartyEndpoint endpoint, MeshSettings settings, Deadline deadline)
    {
        var last = "no answer";
        while (true)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : Dns.GetHostAddresses(endpoint.Host);
            }
            catch (SocketException e)
            {
                addresses = [];
                last = $"cannot resolve '{endpoint.Host}' ({Explain(e.SocketErrorCode)})";
            }

            foreach (var address in addresses)
            {
                if (deadline.Expired)
                {
                    break;
                }

                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                Configure(socket, settings.Channel);
                var error = TryConnect(socket, new IPEndPoint(address, endpoint.Port), deadline.Remaining);
                if (error == SocketError.Success)
                {
                    return socket;
                }

                socket.Dispose();
                last = Explain(error);
            }

            if (deadline.Expired)
            {
                throw new ChannelException(peer, $"cannot connect to {where} within {ChannelErrors.Seconds(settings.ConnectTimeout)}: {last}");
            }

            Thread.Sleep(deadline.Remaining < RetryInterval ? deadline.Remaining : RetryInterval);
        }
    }

    private static SocketError TryConnect(Socket socket, IPEndPoint endPoint, TimeSpan timeout)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // In progress: wait below.
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }

        var ready = socket.Poll(timeout, SelectMode.SelectWrite) || socket.Poll(TimeSpan.Zero, SelectMode.SelectError);
        var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (!ready)
        {
            return SocketError.TimedOut;
        }

        if (error != SocketError.Success)
        {
            return error;
        }

        socket.Blocking = true;
        return SocketError.Success;
    }

    private static string Explain(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused (nothing listens on that port yet)",
        SocketError.TimedOut => "no answer",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "the host is unreachable",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
        SocketError.AddressAlreadyInUse => "the address is already in use",
        SocketError.AddressNotAvailable => "the address is not one of this host's",
        SocketError.AccessDenied => "permission denied",
        _ => error.ToString(),
    };

    private static void WriteHello(Span<byte> hello, byte a, byte b, byte lane)
    {
        hello.Clear();
        Magic.CopyTo(hello);
        hello[8] = a;
        hello[9] = b;
        hello[10] = lane;
    }

    private static bool HasMagic(ReadOnlySpan<byte> hello) => hello[..Magic.Length].SequenceEqual(Magic);

    private static string Name(byte role) => role < PartyRoleExtensions.All.Count ? ((PartyRole)role).ToName() : $"role {role}";
}
