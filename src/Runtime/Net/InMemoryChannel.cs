using System.Collections.Concurrent;

namespace Mpc.Runtime.Net;

/// <summary>
/// A link between two parties in one process (tests, the single-process <c>run</c> mode).
/// Each direction is a queue of copied frames, so <see cref="Send"/> never blocks.
/// </summary>
public sealed class InMemoryChannel : IChannel
{
    private readonly BlockingCollection<byte[]> _outbox;
    private readonly BlockingCollection<byte[]> _inbox;
    private readonly TimeSpan _timeout;

    private InMemoryChannel(string peerName, BlockingCollection<byte[]> outbox, BlockingCollection<byte[]> inbox, TimeSpan timeout)
    {
        PeerName = peerName;
        _outbox = outbox;
        _inbox = inbox;
        _timeout = timeout;
    }

    public string PeerName { get; }

    public ChannelStats Stats { get; } = new();

    /// <summary>Creates both ends of a link: the first is held by <paramref name="nameA"/> and talks to <paramref name="nameB"/>.</summary>
    public static (InMemoryChannel AtA, InMemoryChannel AtB) CreatePair(string nameA, string nameB, TimeSpan? timeout = null)
    {
        var aToB = new BlockingCollection<byte[]>();
        var bToA = new BlockingCollection<byte[]>();
        var t = timeout ?? TimeSpan.FromSeconds(60);
        return (new InMemoryChannel(nameB, aToB, bToA, t), new InMemoryChannel(nameA, bToA, aToB, t));
    }

    public void Send(ReadOnlySpan<byte> frame)
    {
        try
        {
            _outbox.Add(frame.ToArray());
        }
        catch (InvalidOperationException e)
        {
            throw new ChannelException(PeerName, $"cannot send to {PeerName}: the link is closed", e);
        }

        Stats.RecordSent(frame.Length);
    }

    public void Receive(Span<byte> destination)
    {
        byte[]? frame;
        try
        {
            if (!_inbox.TryTake(out frame, _timeout))
            {
                if (_inbox.IsAddingCompleted)
                {
                    throw new ChannelException(PeerName, $"{PeerName} closed the link");
                }

                throw new ChannelException(PeerName, $"{PeerName} sent nothing within {_timeout.TotalSeconds:0.#} s");
            }
        }
        catch (InvalidOperationException e)
        {
            throw new ChannelException(PeerName, $"{PeerName} closed the link", e);
        }

        if (frame.Length != destination.Length)
        {
            throw new ChannelException(PeerName, $"{PeerName} sent a frame of {frame.Length} bytes where {destination.Length} were expected");
        }

        frame.CopyTo(destination);
        Stats.RecordReceived(frame.Length);
    }

    /// <summary>Closes the sending direction: the peer's pending and future receives fail once the queue drains.</summary>
    public void Dispose() => _outbox.CompleteAdding();
}
