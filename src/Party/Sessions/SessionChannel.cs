using System.Buffers.Binary;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Sessions;

/// <summary>Session messages on a link between computing parties: a 4-byte length frame, then the message frame.</summary>
internal static class Messages
{
    public static void Send(IChannel channel, SessionMessage message) => SendBytes(channel, message.Encode());

    public static void SendBytes(IChannel channel, byte[] message)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, message.Length);
        channel.Send(length);
        channel.Send(message);
    }

    public static byte[] ReceiveBytes(IChannel channel)
    {
        Span<byte> length = stackalloc byte[4];
        channel.Receive(length);
        var n = BinaryPrimitives.ReadInt32LittleEndian(length);
        if (n is < 2 or > SessionMessage.MaxBytes)
        {
            throw new ChannelException(channel.PeerName, $"{channel.PeerName} announced a session message of {n} bytes (the parties disagree on the protocol step)");
        }

        var bytes = new byte[n];
        channel.Receive(bytes);
        return bytes;
    }

    public static SessionMessage Receive(IChannel channel) => SessionMessage.Decode(ReceiveBytes(channel), channel.PeerName);

    /// <summary>Receives a message that must be a <typeparamref name="T"/>.</summary>
    public static T Receive<T>(IChannel channel)
        where T : SessionMessage => Expect<T>(Receive(channel), channel.PeerName);

    public static T Expect<T>(SessionMessage message, string peer)
        where T : SessionMessage =>
        message as T ?? throw new ChannelException(peer, $"{peer} sent a {message.GetType().Name} message where a {typeof(T).Name} was expected (the parties disagree on the session step)");
}

/// <summary>
/// A link between the client and a server, as the session protocol uses it: every frame is
/// preceded by a 5-byte header frame (tag, length) that says whether it is protocol data (input
/// shares, output shares), a session message, or an abort notice. So either side can stop the
/// session with a reason ("helper closed the link") that the other reads instead of a bare
/// "server0 closed the link", and a mismatch between data and messages is caught, not misread.
/// </summary>
/// <remarks>
/// Protocol code uses this channel as any other (<see cref="Send"/>, <see cref="Receive"/>), so the
/// generated model's <c>ReceiveInput</c> and <c>RevealTo</c> are unchanged. The header costs one
/// small frame per client message; the client exchanges a few messages per prediction.
/// A server also sends keep-alive headers (<see cref="StartKeepAlive"/>): the client waits for a
/// whole prediction (or the servers' model load) at once, which may take longer than the link
/// timeout, and the keep-alives tell it the servers are still at work. Sends are serialised by a
/// lock so that the keep-alive timer never splits a header from its payload.
/// </remarks>
internal sealed class SessionChannel(IChannel inner) : IChannel
{
    private const byte DataTag = 1;
    private const byte MessageTag = 2;
    private const byte AbortTag = 3;
    private const byte KeepAliveTag = 4;

    /// <summary>Draining gives up on a frame larger than this rather than allocate it.</summary>
    private const int MaxDrainedFrame = 1 << 28;

    private readonly object _sendLock = new();
    private long _dataBytesSent;
    private long _dataBytesReceived;

    public string PeerName => inner.PeerName;

    public ChannelStats Stats => inner.Stats;

    /// <summary>Protocol data bytes sent (shares), without headers and session messages.</summary>
    public long DataBytesSent => Interlocked.Read(ref _dataBytesSent);

    public long DataBytesReceived => Interlocked.Read(ref _dataBytesReceived);

    public void Send(ReadOnlySpan<byte> frame)
    {
        SendTagged(DataTag, frame);
        Interlocked.Add(ref _dataBytesSent, frame.Length);
    }

    public void Receive(Span<byte> destination)
    {
        var (tag, length) = ReceiveHeader();
        if (tag != DataTag)
        {
            throw Unexpected(tag, "protocol data");
        }

        if (length != destination.Length)
        {
            throw new ChannelException(PeerName, $"{PeerName} sent {length} bytes of data where {destination.Length} were expected (the parties run different models or program versions)");
        }

        ReceivePayload(destination);
        Interlocked.Add(ref _dataBytesReceived, length);
    }

    public void SendMessage(SessionMessage message) => SendTagged(MessageTag, message.Encode());

    public SessionMessage ReceiveMessage()
    {
        var (tag, length) = ReceiveHeader();
        if (tag != MessageTag)
        {
            throw Unexpected(tag, "a session message");
        }

        if (length is < 2 or > SessionMessage.MaxBytes)
        {
            throw new ChannelException(PeerName, $"{PeerName} announced a session message of {length} bytes (the parties disagree on the session step)");
        }

        var bytes = new byte[length];
        ReceivePayload(bytes);
        return SessionMessage.Decode(bytes, PeerName);
    }

    public T ReceiveMessage<T>()
        where T : SessionMessage => Messages.Expect<T>(ReceiveMessage(), PeerName);

    /// <summary>Tells the peer why this side stops (best effort: the link may already be gone).</summary>
    public void TrySendAbort(int exitCode, string reason)
    {
        try
        {
            var message = new MessageWriter().Byte((byte)Math.Clamp(exitCode, 1, 255)).String(reason.Length > 2000 ? reason[..2000] : reason).ToArray();
            SendTagged(AbortTag, message);
        }
        catch (MpcException)
        {
            // The peer is gone already: it needs no reason.
        }
    }

    /// <summary>
    /// Reads and discards what the peer still sends until its abort notice (returned) or until the
    /// link closes or stays silent (null): after the other server failed, this server's reason.
    /// </summary>
    public SessionAbortedException? DrainToAbort()
    {
        try
        {
            while (true)
            {
                var (_, length) = ReceiveHeader();
                if (length > MaxDrainedFrame)
                {
                    return null;
                }

                ReceivePayload(new byte[length]);
            }
        }
        catch (SessionAbortedException e)
        {
            return e;
        }
        catch (ChannelException)
        {
            return null;
        }
    }

    /// <summary>Sends a keep-alive header every <paramref name="interval"/> until disposed (or the link fails).</summary>
    public IDisposable StartKeepAlive(TimeSpan interval)
    {
        Timer? timer = null;
        timer = new Timer(_ =>
        {
            try
            {
                SendTagged(KeepAliveTag, []);
            }
#pragma warning disable CA1031 // A timer callback must not throw: the link's failure surfaces on the protocol thread.
            catch (Exception)
#pragma warning restore CA1031
            {
                timer?.Dispose();
            }
        });
        timer.Change(interval, interval);
        return timer;
    }

    public void Dispose() => inner.Dispose();

    private void SendTagged(byte tag, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], payload.Length);
        lock (_sendLock)
        {
            inner.Send(header);
            if (payload.Length > 0)
            {
                inner.Send(payload);
            }
        }
    }

    /// <summary>The next header, past keep-alives; an abort notice is read and thrown as <see cref="SessionAbortedException"/>.</summary>
    private (byte Tag, int Length) ReceiveHeader()
    {
        Span<byte> header = stackalloc byte[5];
        do
        {
            inner.Receive(header);
        }
        while (header[0] == KeepAliveTag);

        var tag = header[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(header[1..]);
        if (tag is not (DataTag or MessageTag or AbortTag) || length < 0)
        {
            throw new ChannelException(PeerName, $"{PeerName} sent a malformed frame header (tag {tag}); do both sides run the same program version?");
        }

        if (tag == AbortTag)
        {
            if (length > SessionMessage.MaxBytes)
            {
                throw new ChannelException(PeerName, $"{PeerName} stopped the session (its reason is too long to read)");
            }

            var bytes = new byte[length];
            ReceivePayload(bytes);
            var reader = new MessageReader(bytes, PeerName);
            var exitCode = reader.Byte();
            throw new SessionAbortedException(PeerName, reader.String(), exitCode);
        }

        return (tag, length);
    }

    private void ReceivePayload(Span<byte> destination)
    {
        if (destination.Length > 0)
        {
            inner.Receive(destination);
        }
    }

    private ChannelException Unexpected(byte tag, string expected) => new(
        PeerName,
        $"{PeerName} sent {(tag == DataTag ? "protocol data" : "a session message")} where {expected} was expected (the parties disagree on the session step)");
}

/// <summary>The peer stopped the session and said why.</summary>
internal sealed class SessionAbortedException(string peer, string reason, int exitCode)
    : MpcException($"{peer} stopped the session: {reason}")
{
    public string Peer { get; } = peer;

    /// <summary>The peer's own message, e.g. "helper closed the link".</summary>
    public string Reason { get; } = reason;

    public override int ExitCode => exitCode;
}
