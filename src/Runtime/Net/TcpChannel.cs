using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Mpc.Runtime.Net;

/// <summary>
/// A link to a peer in another process over TCP, with TLS 1.3 (<see cref="IsEncrypted"/>) or, for
/// measuring what TLS costs, insecure plain TCP. Created by <see cref="Mesh"/>.
/// </summary>
/// <remarks>
/// Wire format: each frame is a 4-byte little-endian payload length followed by the payload. The
/// receiver compares the length with what it expects before reading the payload, so a protocol
/// mismatch is reported (naming the peer) rather than misparsed. Sends are copied into a queue that a
/// writer thread drains (<see cref="SendQueue"/>), so <see cref="Send"/> never waits for the peer's
/// receive; receives read straight into the caller's buffer. Nagle's algorithm is off. Every read
/// and write is bounded by <see cref="TcpChannelOptions.Timeout"/>. After any failure the link is
/// broken: every later call fails with the same message.
/// </remarks>
public sealed class TcpChannel : IChannel
{
    private const int HeaderLength = 4;

    private readonly Socket _socket;
    private readonly SocketStream _socketStream;
    private readonly Stream _stream;
    private readonly SendQueue _queue;
    private readonly Thread _writer;
    private readonly TimeSpan _timeout;
    private readonly object _disposeLock = new();
    private ChannelException? _broken;
    private bool _disposed;

    internal TcpChannel(string peerName, Socket socket, SocketStream socketStream, SslStream? tls, TcpChannelOptions options)
    {
        PeerName = peerName;
        _socket = socket;
        _socketStream = socketStream;
        _stream = (Stream?)tls ?? socketStream;
        _timeout = options.Timeout;
        IsEncrypted = tls is not null;
        TlsCipherSuite = tls?.NegotiatedCipherSuite.ToString();
        RemoteEndPoint = socket.RemoteEndPoint as IPEndPoint;
        Stats = new ChannelStats();
        ApplyTimeouts(socket, _timeout);
        _queue = new SendQueue(options.MaxQueuedBytes);
        _writer = new Thread(() => _queue.RunWriter(_stream)) { IsBackground = true, Name = "mpc send to " + peerName };
        _writer.Start();
    }

    public string PeerName { get; }

    public ChannelStats Stats { get; }

    /// <summary>True for TLS 1.3 links, false for insecure plain TCP.</summary>
    public bool IsEncrypted { get; }

    /// <summary>The TLS cipher suite in use (for reports), or null on plain TCP.</summary>
    public string? TlsCipherSuite { get; }

    /// <summary>The peer's address.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    public void Send(ReadOnlySpan<byte> frame)
    {
        ThrowIfUnusable();
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteInt32LittleEndian(header, frame.Length);
        try
        {
            if (!_queue.TryAppend(header, _timeout) || !_queue.TryAppend(frame, _timeout))
            {
                throw Break(new ChannelException(
                    PeerName,
                    $"{PeerName} stopped reading: {_queue.Unsent} bytes sent to it were still waiting after {ChannelErrors.Seconds(_timeout)}"));
            }
        }
        catch (SendFailedException e)
        {
            throw Break(WriteError(e.InnerException!));
        }

        Stats.RecordSent(frame.Length);
    }

    public void Receive(Span<byte> destination)
    {
        ThrowIfUnusable();
        Span<byte> header = stackalloc byte[HeaderLength];
        ReadExactly(header, atFrameStart: true);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length != (uint)destination.Length)
        {
            throw Break(ChannelErrors.LengthMismatch(PeerName, length, destination.Length));
        }

        ReadExactly(destination, atFrameStart: false);
        Stats.RecordReceived(destination.Length);
    }

    /// <summary>
    /// Sends what is queued (waiting up to the timeout for the peer to take it), then closes the
    /// link gracefully (<see cref="DrainUnread"/>): the peer reads everything sent, then sees
    /// that this party closed it.
    /// </summary>
    public void Dispose()
    {
        lock (_disposeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _queue.Complete();
        _writer.Join(_timeout);
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            DrainUnread(_socket);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to close politely.
        }
        catch (ObjectDisposedException)
        {
            // Closed under us: nothing left to close politely.
        }

        _socket.Dispose();
        _stream.Dispose();
        _broken ??= new ChannelException(PeerName, $"the link to {PeerName} is closed");
    }

    /// <summary>
    /// A graceful close: after our FIN (shutdown of the send side), reads and discards whatever the
    /// peer has already sent that nobody read. Closing a socket with unread received bytes makes the
    /// kernel send a reset instead of a FIN, and a reset can destroy what we sent last (an abort
    /// notice, a refusal) before the peer reads it: the peer would then report "connection reset"
    /// instead of our reason. Bytes that arrive later still reset; this does not wait for them.
    /// </summary>
    private static void DrainUnread(Socket socket)
    {
        var buffer = new byte[16 << 10];
        while (socket.Available > 0 && socket.Receive(buffer) > 0)
        {
        }
    }

    internal static void ApplyTimeouts(Socket socket, TimeSpan timeout)
    {
        // 0 would mean "wait forever" to the socket: at least one millisecond.
        var ms = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        socket.ReceiveTimeout = ms;
        socket.SendTimeout = ms;
    }

    private void ReadExactly(Span<byte> destination, bool atFrameStart)
    {
        var total = destination.Length;
        var done = 0;
        while (done < total)
        {
            int n;
            try
            {
                n = _stream.Read(destination[done..]);
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException or ObjectDisposedException)
            {
                throw Break(ReadError(e));
            }

            if (n == 0)
            {
                throw Break(atFrameStart && done == 0
                    ? ChannelErrors.Closed(PeerName)
                    : ChannelErrors.Closed(PeerName, detail: $"in the middle of a frame, after {done} of {total} bytes"));
            }

            done += n;
        }
    }

    private ChannelException ReadError(Exception e) => Describe(e) switch
    {
        SocketError.TimedOut or SocketError.WouldBlock => ChannelErrors.Silent(PeerName, _timeout),
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ChannelErrors.Closed(PeerName, e, "connection reset"),
        _ when e is ObjectDisposedException => new ChannelException(PeerName, $"the link to {PeerName} is closed", e),
        _ => new ChannelException(PeerName, $"receiving from {PeerName} failed: {e.Message}", e),
    };

    private ChannelException WriteError(Exception e) => Describe(e) switch
    {
        SocketError.TimedOut or SocketError.WouldBlock => new ChannelException(PeerName, $"{PeerName} stopped reading: nothing could be sent to it within {ChannelErrors.Seconds(_timeout)}", e),
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => new ChannelException(PeerName, $"cannot send to {PeerName}: {PeerName} closed the link", e),
        _ => new ChannelException(PeerName, $"sending to {PeerName} failed: {e.Message}", e),
    };

    /// <summary>The socket error behind an exception (SslStream and streams wrap it), or <see cref="SocketError.SocketError"/>.</summary>
    private static SocketError Describe(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException s)
            {
                return s.SocketErrorCode;
            }
        }

        return SocketError.SocketError;
    }

    private void ThrowIfUnusable()
    {
        var broken = Volatile.Read(ref _broken);
        if (broken is not null)
        {
            throw new ChannelException(PeerName, broken.Message);
        }
    }

    private ChannelException Break(ChannelException e)
    {
        Interlocked.CompareExchange(ref _broken, e, null);
        return e;
    }
}
