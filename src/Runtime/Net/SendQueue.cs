namespace Mpc.Runtime.Net;

/// <summary>
/// The outgoing bytes of one link: the protocol thread appends frames, a writer thread drains them
/// to the stream. This is what lets <see cref="IChannel.Send"/> return before the peer receives,
/// so two parties may each send a large frame before either receives without deadlocking.
/// </summary>
/// <remarks>
/// Bytes sit in 1 MiB chunks recycled through a free list that may hold as many chunks as the
/// queue's bound (no allocation per frame in steady state: a link that once queued N MiB keeps N
/// chunks rather than returning them to the GC and faulting fresh pages in the next time, which on
/// this project's VMs costs about 3.5 ms per MiB). The producer copies outside the lock into the tail chunk's unused part, which the writer
/// never reads; the writer sends whatever is filled, so small frames coalesce into one write and a
/// large frame streams out while it is still being copied in. The queue is bounded
/// (<see cref="MaxQueuedBytes"/>): past it, the producer waits for the peer to read, up to the
/// link's timeout. One producer thread and one writer thread.
/// </remarks>
internal sealed class SendQueue
{
    private const int ChunkSize = 1 << 20;

    private readonly object _lock = new();
    private readonly Queue<Chunk> _chunks = new();
    private readonly Stack<byte[]> _free = new();
    private Chunk? _tail;
    private long _unsent;
    private bool _writing;
    private bool _completed;
    private Exception? _failure;

    private readonly int _maxFreeChunks;

    public SendQueue(long maxQueuedBytes)
    {
        MaxQueuedBytes = maxQueuedBytes;
        _maxFreeChunks = (int)Math.Min(int.MaxValue, (maxQueuedBytes / ChunkSize) + 1);
    }

    public long MaxQueuedBytes { get; }

    /// <summary>Bytes accepted but not yet written to the stream.</summary>
    public long Unsent
    {
        get
        {
            lock (_lock)
            {
                return _unsent;
            }
        }
    }

    /// <summary>The writer's failure, once it has failed.</summary>
    public Exception? Failure
    {
        get
        {
            lock (_lock)
            {
                return _failure;
            }
        }
    }

    /// <summary>
    /// Appends <paramref name="data"/>. Returns false (and appends nothing more) if the unsent bytes stay
    /// above the bound for <paramref name="timeout"/>; throws the writer's failure if it failed.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> data, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (data.Length > 0)
        {
            Chunk tail;
            int offset;
            lock (_lock)
            {
                while (_failure is null && _unsent >= MaxQueuedBytes)
                {
                    var wait = deadline - Environment.TickCount64;
                    if (wait <= 0)
                    {
                        return false;
                    }

                    Monitor.Wait(_lock, TimeSpan.FromMilliseconds(wait));
                }

                ThrowIfFailed();
                if (_tail is null || _tail.Filled == ChunkSize)
                {
                    _tail = new Chunk(_free.Count > 0 ? _free.Pop() : GC.AllocateUninitializedArray<byte>(ChunkSize));
                    _chunks.Enqueue(_tail);
                }

                tail = _tail;
                offset = tail.Filled;
            }

            var n = Math.Min(data.Length, ChunkSize - offset);
            data[..n].CopyTo(tail.Data.AsSpan(offset));
            data = data[n..];
            lock (_lock)
            {
                tail.Filled = offset + n;
                _unsent += n;
                Monitor.PulseAll(_lock);
            }
        }

        return true;
    }

    /// <summary>No more appends: the writer finishes what is queued and stops.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Waits until everything appended is written and flushed (true), the writer failed, or the time is up.</summary>
    public bool WaitUntilDrained(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_lock)
        {
            while ((_unsent > 0 || _writing) && _failure is null)
            {
                var wait = deadline - Environment.TickCount64;
                if (wait <= 0)
                {
                    return false;
                }

                Monitor.Wait(_lock, TimeSpan.FromMilliseconds(wait));
            }

            return _failure is null;
        }
    }

    /// <summary>The writer thread's loop: writes queued bytes, flushes when the queue runs empty.</summary>
    public void RunWriter(Stream stream)
    {
        try
        {
            while (true)
            {
                Chunk head;
                int start;
                int end;
                lock (_lock)
                {
                    while (_unsent == 0 && !_completed)
                    {
                        Monitor.Wait(_lock);
                    }

                    if (_unsent == 0)
                    {
                        return;
                    }

                    _writing = true;
                    head = _chunks.Peek();
                    start = head.Sent;
                    end = head.Filled;
                }

                stream.Write(head.Data, start, end - start);
                bool idle;
                lock (_lock)
                {
                    head.Sent = end;
                    _unsent -= end - start;
                    if (end == ChunkSize)
                    {
                        _chunks.Dequeue();
                        if (_free.Count < _maxFreeChunks)
                        {
                            _free.Push(head.Data);
                        }
                    }

                    idle = _unsent == 0;
                    if (!idle && _unsent < MaxQueuedBytes)
                    {
                        Monitor.PulseAll(_lock);
                    }
                }

                if (idle)
                {
                    stream.Flush();
                    lock (_lock)
                    {
                        // Drained means written and flushed: wake producers and WaitUntilDrained.
                        _writing = _unsent > 0;
                        Monitor.PulseAll(_lock);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException or NotSupportedException)
        {
            lock (_lock)
            {
                _failure = e;
                Monitor.PulseAll(_lock);
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new SendFailedException(_failure);
        }
    }

    private sealed class Chunk(byte[] data)
    {
        public byte[] Data { get; } = data;

        public int Filled { get; set; }

        public int Sent { get; set; }
    }
}

/// <summary>The writer thread of a link failed; the inner exception says how.</summary>
internal sealed class SendFailedException(Exception inner) : Exception("the link's writer failed", inner);
