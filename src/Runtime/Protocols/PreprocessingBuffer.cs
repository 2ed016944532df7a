namespace Mpc.Runtime.Protocols;

/// <summary>
/// One party's bounded FIFO of correlated randomness between its offline (producer) and online
/// (consumer) protocol instances. The offline instance runs the same layer code as the online one
/// and adds one material record per protocol operation; the online instance takes them back in the
/// same order. <see cref="Add"/> blocks while the buffer holds <see cref="CapacityBytes"/> or more
/// (a record larger than the capacity is still accepted into an empty buffer), so preprocessing can
/// run ahead of the online phase by a bounded amount on its own thread, or fully ahead when the
/// capacity holds a whole prediction.
/// </summary>
public sealed class PreprocessingBuffer
{
    private readonly Queue<Material> _queue = new();
    private readonly object _lock = new();
    private readonly TimeSpan _timeout;
    private long _bytes;
    private bool _completed;
    private string? _failure;

    public PreprocessingBuffer(long capacityBytes, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
        _timeout = timeout ?? TimeSpan.FromMinutes(10);
    }

    public long CapacityBytes { get; }

    /// <summary>Bytes currently buffered.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The largest number of bytes ever buffered at once.</summary>
    public long PeakBytes { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    internal void Add(Material material)
    {
        lock (_lock)
        {
            var deadline = DateTime.UtcNow + _timeout;
            while (_queue.Count > 0 && _bytes + material.Bytes > CapacityBytes && _failure is null)
            {
                if (!Monitor.Wait(_lock, Remaining(deadline)))
                {
                    throw new MpcException($"preprocessing buffer stayed full for {_timeout.TotalSeconds:0} s: the online phase is not consuming");
                }
            }

            ThrowIfFailed();
            _queue.Enqueue(material);
            _bytes += material.Bytes;
            PeakBytes = Math.Max(PeakBytes, _bytes);
            Monitor.PulseAll(_lock);
        }
    }

    internal T Take<T>(string operation)
        where T : Material
    {
        lock (_lock)
        {
            var deadline = DateTime.UtcNow + _timeout;
            while (_queue.Count == 0)
            {
                ThrowIfFailed();
                if (_completed)
                {
                    throw new MpcException($"{operation}: the preprocessing buffer is empty and its producer has finished (run the offline phase for every online prediction)");
                }

                if (!Monitor.Wait(_lock, Remaining(deadline)))
                {
                    throw new MpcException($"{operation}: no preprocessed material arrived within {_timeout.TotalSeconds:0} s");
                }
            }

            var material = _queue.Dequeue();
            _bytes -= material.Bytes;
            Monitor.PulseAll(_lock);
            if (material is not T typed)
            {
                throw new MpcException($"{operation}: the offline and online phases are out of step (found material for {material.Operation})");
            }

            return typed;
        }
    }

    /// <summary>The producer will add nothing more: a consumer that finds the buffer empty fails instead of waiting.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Marks the buffer failed (the producer or consumer died) so the other side stops waiting.</summary>
    public void Fail(string reason)
    {
        lock (_lock)
        {
            _failure ??= reason;
            Monitor.PulseAll(_lock);
        }
    }

    private static TimeSpan Remaining(DateTime deadlineUtc)
    {
        var left = deadlineUtc - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new MpcException($"preprocessing failed: {_failure}");
        }
    }
}
