using System.Runtime.CompilerServices;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Arrays of exact lengths handed back after use, so that the correlated randomness of one chunk of
/// a large layer reuses the memory of an earlier chunk instead of fresh pages (page faults and GC
/// work were about half of the CPU time of a large ReLU before). Shared by a party's online and
/// offline contexts: the dealer rents, the consumer of a material returns it. Rented arrays are not
/// cleared: every caller overwrites all of an array before reading or sending any of it. The
/// arrays hold one party's own material and never leave it; retained memory is bounded.
/// </summary>
/// <remarks>
/// The bound, 2 GiB, holds every array length of a full-width VGG16 prediction under securenn
/// (shapes repeat exactly from one prediction to the next, so from the second prediction on nearly
/// every rent is a hit). With 256 MiB the arrays of the first layers filled the bound and every
/// later return was dropped: each prediction then faulted about 1.1 GB of fresh pages per party,
/// 4 s of system time on this project's VMs (docs/BENCHMARKS.md, "Page faults").
/// </remarks>
internal sealed class ArrayRecycler
{
    private const long MaxRetainedBytes = 2048L << 20;
    private const int MinLength = 1 << 12;

    private readonly Dictionary<(Type, int), Stack<Array>> _free = [];
    private readonly object _lock = new();
    private long _retained;

    /// <summary>An array of exactly <paramref name="length"/> elements with arbitrary contents.</summary>
    public T[] Rent<T>(int length)
        where T : unmanaged
    {
        if (length >= MinLength)
        {
            lock (_lock)
            {
                if (_free.TryGetValue((typeof(T), length), out var stack) && stack.Count > 0)
                {
                    var array = (T[])stack.Pop();
                    _retained -= (long)length * Unsafe.SizeOf<T>();
                    return array;
                }
            }
        }

        return length == 0 ? [] : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Takes <paramref name="array"/> back (the caller no longer uses it); kept if the bound allows.</summary>
    public void Return<T>(T[] array)
        where T : unmanaged
    {
        var bytes = (long)array.Length * Unsafe.SizeOf<T>();
        if (array.Length < MinLength)
        {
            return;
        }

        lock (_lock)
        {
            if (_retained + bytes > MaxRetainedBytes)
            {
                return;
            }

            if (!_free.TryGetValue((typeof(T), array.Length), out var stack))
            {
                _free[(typeof(T), array.Length)] = stack = new Stack<Array>();
            }

            stack.Push(array);
            _retained += bytes;
        }
    }
}
