namespace Mpc.Runtime.Net;

/// <summary>Tuning and limits of TCP and TLS links.</summary>
public sealed record TcpChannelOptions
{
    /// <summary>
    /// How long a receive waits for the peer's next bytes, and how long a send waits for the peer to
    /// read when the outgoing queue is full. Past it the link fails with an error naming the peer.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes a link may hold that the peer has not read yet (beyond the kernel's socket buffers)
    /// before <see cref="IChannel.Send"/> waits. Two parties may each send this much to the other
    /// before either receives. 256 MiB: more than ten times the largest frame any layer of the
    /// full-width VGG16 sends before it receives (a 200x200x64 conv input, 20 MB); also the bound on
    /// how far the helper's dealing runs ahead of a server's preprocessing, and on the chunks a busy
    /// link keeps for reuse.
    /// </summary>
    public long MaxQueuedBytes { get; init; } = 256L << 20;

    /// <summary>SO_SNDBUF and SO_RCVBUF in bytes; 0 leaves them to the kernel's autotuning.</summary>
    public int SocketBufferSize { get; init; }

    internal void Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), "the timeout must be positive and under 24 days");
        }

        if (MaxQueuedBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedBytes), "the send queue bound must be positive");
        }

        if (SocketBufferSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SocketBufferSize), "the socket buffer size cannot be negative");
        }
    }
}
