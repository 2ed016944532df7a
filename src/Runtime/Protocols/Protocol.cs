using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// A three-party protocol as seen by one party: the API generated layer code calls. The same code
/// runs on server0, server1 and the helper (SPMD); this object knows its role and does that role's
/// part of each step, so message order on every link is identical by construction.
/// </summary>
/// <remarks>
/// <para>Buffers: every share buffer has the length the method documents on a server, and length 0
/// on the helper (it holds no shares of data) and while preprocessing (<see cref="ExecutionMode.Offline"/>).
/// <see cref="Alloc"/> returns buffers of the right length for the party; every method checks them.
/// Element counts are passed explicitly (constants in generated code) so the helper, which has no
/// buffers, knows the sizes too.</para>
/// <para>Values are additive shares over Z_2^64 of two's-complement fixed-point numbers.
/// Every exchange batches all elements of the call (one frame per message, never one per element).
/// Each method documents its rounds, the bytes each party sends, and why what is revealed reveals
/// nothing. "Rounds" are sequential communication layers, counted the same on all parties; offline
/// bytes are the helper's dealing (<see cref="Dealer"/>).</para>
/// </remarks>
public abstract partial class Protocol
{
    private readonly PreprocessingBuffer? _buffer;
    private readonly Dealer _dealer;

    protected Protocol(PartyContext context, ExecutionMode mode, PreprocessingBuffer? buffer)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (mode != ExecutionMode.Inline && buffer is null)
        {
            throw new ArgumentException($"{mode} mode needs a preprocessing buffer", nameof(buffer));
        }

        Context = context;
        Mode = mode;
        _buffer = mode == ExecutionMode.Inline ? null : buffer;
        _dealer = new Dealer(context);
        HoldsShares = context.IsServer && mode != ExecutionMode.Offline;
    }

    /// <summary>The protocol's name as given to <c>--protocol</c>.</summary>
    public abstract string Name { get; }

    public PartyContext Context { get; }

    public PartyId Role => Context.Role;

    public ExecutionMode Mode { get; }

    /// <summary>True on the servers outside preprocessing: the party's buffers hold shares.</summary>
    public bool HoldsShares { get; }

    public ProtocolStats Stats => Context.Stats;

    /// <summary>The names <see cref="Create"/> knows: securenn (the paper), securenn-fast (its masked-MSB comparison), pond.</summary>
    public static IReadOnlyList<string> Names { get; } = [SecureNN.ProtocolName, SecureNN.FastProtocolName, Pond.ProtocolName];

    /// <summary>Creates the protocol named by <c>--protocol</c>: <c>securenn</c> or <c>pond</c>.</summary>
    public static Protocol Create(string name, PartyContext context, ExecutionMode mode = ExecutionMode.Inline, PreprocessingBuffer? buffer = null) =>
        name switch
        {
            SecureNN.ProtocolName => new SecureNN(context, mode, buffer) { Comparison = DReluMethod.ShareConvert },
            SecureNN.FastProtocolName => new SecureNN(context, mode, buffer) { Comparison = DReluMethod.MaskedMsb },
            Pond.ProtocolName => new Pond(context, mode, buffer),
            _ => throw new MpcInputException($"unknown protocol '{name}' (expected {string.Join(", ", Names)})"),
        };

    /// <summary>The length a share buffer of <paramref name="count"/> elements has on this party.</summary>
    public int ShareLength(int count) => HoldsShares ? count : 0;

    /// <summary>A zeroed share buffer of <paramref name="count"/> elements on servers, empty on the helper and while preprocessing.</summary>
    public ulong[] Alloc(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return HoldsShares ? new ulong[count] : [];
    }

    /// <summary>Attributes the traffic and time that follow to layer <paramref name="layer"/> until disposed.</summary>
    public StatsScope Step(string layer) => Stats.Enter(layer: layer, operation: "");

    /// <summary>z = x + y. Local: no rounds, no bytes.</summary>
    public void Add(int count, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> z)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        Check(count, z, nameof(z));
        RingOps.Add(x, y, z);
    }

    /// <summary>z = x - y. Local: no rounds, no bytes.</summary>
    public void Sub(int count, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> z)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        Check(count, z, nameof(z));
        RingOps.Sub(x, y, z);
    }

    /// <summary>y = x + c for a public ring constant c (only server0 adds it). Local.</summary>
    public void AddPublic(int count, ReadOnlySpan<ulong> x, ulong c, Span<ulong> y)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        if (Role == PartyId.Server0)
        {
            RingOps.AddScalar(x, c, y);
        }
        else
        {
            x.CopyTo(y);
        }
    }

    /// <summary>y = c * x for a public ring constant c (a fixed-point constant: truncate afterwards). Local.</summary>
    public void MulPublic(int count, ReadOnlySpan<ulong> x, ulong c, Span<ulong> y)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        RingOps.MulScalar(x, c, y);
    }

    /// <summary>y = c * x elementwise for public constants c (length <paramref name="count"/> on every party). Local.</summary>
    public void MulPublic(int count, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> c, Span<ulong> y)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        if (c.Length != count)
        {
            throw new ArgumentException($"{Name}: {c.Length} public constants for {count} elements", nameof(c));
        }

        if (HoldsShares)
        {
            RingOps.Mul(x, c, y);
        }
    }

    /// <summary>
    /// y = x + bias broadcast over the last dimension (<paramref name="bias"/> is this server's share,
    /// <paramref name="channels"/> elements; empty on the helper and while preprocessing). Local.
    /// </summary>
    public void AddBias(int count, int channels, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> bias, Span<ulong> y)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        Check(channels, bias, nameof(bias));
        if (channels < 1 || count % channels != 0)
        {
            throw new ArgumentException($"{Name}: {count} elements are not a whole number of {channels}-channel rows");
        }

        if (HoldsShares)
        {
            AddBroadcast(x, bias, y);
        }
    }

    /// <summary>
    /// Sum over each pooling window (valid positions only), the numerator of an average pool; the
    /// compiler folds the divisor into the next linear layer or applies it with
    /// <see cref="MulPublic(int, ReadOnlySpan{ulong}, ReadOnlySpan{ulong}, Span{ulong})"/> and a truncation.
    /// Local: no rounds, no bytes (sums of shares are shares of the sum).
    /// </summary>
    public void SumPool(in PoolGeometry g, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        g.Validate();
        Check(g.InputLength, x, nameof(x));
        Check(g.OutputLength, y, nameof(y));
        if (!HoldsShares)
        {
            return;
        }

        var windows = PoolWindows.Get(g);
        for (var o = 0; o < g.OutputLength; o++)
        {
            ulong sum = 0;
            foreach (var index in windows.Window(o))
            {
                sum += x[index];
            }

            y[o] = sum;
        }
    }

    /// <summary>z = x * y elementwise (Beaver). See <see cref="MulCore"/>.</summary>
    public void Mul(int count, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> z)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        Check(count, z, nameof(z));
        using var op = Stats.Enter(operation: "mul");
        if (TryAcquire("mul", d => d.Triple(count), out var triple))
        {
            MulCore(count, x, y, z, triple);
            triple.ReturnTo(Context.Recycler);
        }
    }

    /// <summary>ReLU(x) = max(x, 0) on fixed-point values with <paramref name="fracBits"/> fractional bits.</summary>
    public abstract void Relu(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits);

    /// <summary>Max pooling over each window (valid positions only).</summary>
    public abstract void MaxPool(in PoolGeometry g, ReadOnlySpan<ulong> x, Span<ulong> y);

    /// <summary>
    /// A temporary array of <paramref name="n"/> elements with arbitrary contents (the caller writes all
    /// of it before reading any), or an empty one when not <paramref name="needed"/>; recycled from an
    /// earlier chunk when possible (<see cref="ArrayRecycler"/>). Hand it back with <see cref="Release{T}"/>.
    /// </summary>
    private protected T[] Scratch<T>(int n, bool needed = true)
        where T : unmanaged => needed ? Context.Recycler.Rent<T>(n) : [];

    /// <summary>Hands temporaries from <see cref="Scratch{T}"/> back once nothing reads them.</summary>
    private protected void Release<T>(params ReadOnlySpan<T[]> arrays)
        where T : unmanaged
    {
        foreach (var array in arrays)
        {
            Context.Recycler.Return(array);
        }
    }

    /// <summary>Throws unless <paramref name="buffer"/> has <paramref name="count"/> elements on a share-holding party and 0 otherwise.</summary>
    private protected void Check<T>(int count, ReadOnlySpan<T> buffer, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var expected = HoldsShares ? count : 0;
        if (buffer.Length != expected)
        {
            var why = HoldsShares ? "" : Role.IsServer() ? " (no shares are held while preprocessing)" : " (the helper holds no shares)";
            throw new ArgumentException($"{Name} on {Role.ToName()}: {name} has {buffer.Length} elements, expected {expected}{why}", name);
        }
    }

    private protected void Check<T>(int count, Span<T> buffer, string name) => Check(count, (ReadOnlySpan<T>)buffer, name);

    /// <summary>
    /// The correlated randomness of one operation: dealt now (inline; counted as offline traffic,
    /// one round if the helper sent anything), dealt and buffered (offline: returns false, the caller
    /// stops), or taken from the buffer (online).
    /// </summary>
    private protected bool TryAcquire<T>(string operation, Func<Dealer, T> deal, out T material)
        where T : Material
    {
        if (Mode == ExecutionMode.Online)
        {
            material = _buffer!.Take<T>(operation);
            return true;
        }

        using (Stats.Enter(Phase.Offline, operation: "deal " + operation))
        {
            _dealer.HelperSent = false;
            material = deal(_dealer);
            if (_dealer.HelperSent)
            {
                Stats.Round();
            }
        }

        if (Mode == ExecutionMode.Offline)
        {
            _buffer!.Add(material);
            return false;
        }

        return true;
    }

    /// <summary>Sends this server's values to the other server and receives theirs (both send first: sends never block).</summary>
    private protected void ExchangeWithServer(ReadOnlySpan<ulong> mine, Span<ulong> theirs)
    {
        var link = Context.Peer(Context.OtherServer);
        link.Send(mine);
        link.Receive(theirs);
    }

    private static void AddBroadcast(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> bias, Span<ulong> y)
    {
        for (var row = 0; row < x.Length; row += bias.Length)
        {
            RingOps.Add(x.Slice(row, bias.Length), bias, y.Slice(row, bias.Length));
        }
    }
}
