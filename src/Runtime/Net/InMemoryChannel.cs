using System.Buffers;
using System.Collections.Concurrent;

namespace Mpc.Runtime.Net;

/// <summary>
/// A link between two parties in one process (tests, single-process runs). Each direction is a
/// queue of copied frames, so <see cref="Send"/> never blocks.
/// </summary>
/// <remarks>
/// Frame copies come from a pool private to in-memory channels and go back to it when received, so
/// large frames cost one copy and no allocation in steady state; the pool is not shared with
/// unrelated code, which therefore never sees share bytes in a rented buffer.
/// </remarks>
public sealed class InMemoryChannel : IChannel
{
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(1 << 30, 16);

    private readonly BlockingCollection<Frame> _outbox;
    private readonly BlockingCollection<Frame> _inbox;
    private readonly TimeSpan _timeout;

    private InMemoryChannel(string peerName, BlockingCollection<Frame> outbox, BlockingCollection<Frame> inbox, TimeSpan timeout)
    {
        PeerName = peerName;
        _outbox = outbox;
        _inbox = inbox;
        _timeout = timeout;
        Stats = new ChannelStats();
    }

    public string PeerName { get; }

    public ChannelStats Stats { get; }

    /// <summary>Creates both ends of a link: the first is held by <paramref name="nameA"/> and talks to <paramref name="nameB"/>.</summary>
    public static (InMemoryChannel AtA, InMemoryChannel AtB) CreatePair(string nameA, string nameB, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        if (wait <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "the timeout must be positive");
        }

        var aToB = new BlockingCollection<Frame>();
        var bToA = new BlockingCollection<Frame>();
        return (new InMemoryChannel(nameB, aToB, bToA, wait), new InMemoryChannel(nameA, bToA, aToB, wait));
    }

    public void Send(ReadOnlySpan<byte> frame)
    {
        var buffer = Pool.Rent(frame.Length);
        frame.CopyTo(buffer);
        try
        {
            _outbox.Add(new Frame(buffer, frame.Length));
        }
        catch (InvalidOperationException e)
        {
            Pool.Return(buffer);
            throw new ChannelException(PeerName, $"cannot send to {PeerName}: the link is closed", e);
        }

        Stats.RecordSent(frame.Length);
    }

    public void Receive(Span<byte> destination)
    {
        Frame frame;
        try
        {
            if (!_inbox.TryTake(out frame, _timeout))
            {
                if (_inbox.IsAddingCompleted)
                {
                    throw ChannelErrors.Closed(PeerName);
                }

                throw ChannelErrors.Silent(PeerName, _timeout);
            }
        }
        catch (InvalidOperationException e)
        {
            throw ChannelErrors.Closed(PeerName, e);
        }

        try
        {
            if (frame.Length != destination.Length)
            {
                throw ChannelErrors.LengthMismatch(PeerName, frame.Length, destination.Length);
            }

            frame.Buffer.AsSpan(0, frame.Length).CopyTo(destination);
        }
        finally
        {
            Pool.Return(frame.Buffer);
        }

        Stats.RecordReceived(frame.Length);
    }

    /// <summary>Closes the sending direction: the peer's pending and future receives fail once the queue drains.</summary>
    public void Dispose() => _outbox.CompleteAdding();

    private readonly record struct Frame(byte[] Buffer, int Length);
}
