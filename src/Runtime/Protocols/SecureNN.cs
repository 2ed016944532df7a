using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// SecureNN (Wagh, Gupta, Chandran, PoPETs 2019): Beaver linear layers and products with helper
/// triples, and exact comparisons (DReLU, ReLU, MaxPool) built on PrivateCompare over Z_67, with
/// the random permutation TF Encrypted left out: as <c>securenn</c> the paper's ShareConvert and
/// ComputeMSB (<see cref="DReluMethod.ShareConvert"/>), as <c>securenn-fast</c> the masked-MSB DReLU
/// (one PrivateCompare, <see cref="DReluMethod.MaskedMsb"/>, also the class's default). Sigmoid uses TF Encrypted's polynomial
/// (<see cref="Protocol.Sigmoid"/>), as TF Encrypted's SecureNN did.
/// </summary>
/// <remarks>
/// Departures from the paper, all documented in docs/PROTOCOLS.md: the default DReLU; helper-known bits reach the
/// servers as packed bits one-time-padded by offline-dealt mask bits instead of as 8-byte shares;
/// every dealt share that can be derived from a pairwise PRG is; PrivateCompare's messages carry an
/// additive mask and a uniform rotation; ShareConvert's r is drawn nonzero so that r - 1 never wraps.
/// </remarks>
public sealed partial class SecureNN : Protocol
{
    /// <summary>The paper's protocol: DReLU by ShareConvert and ComputeMSB (<see cref="DReluMethod.ShareConvert"/>).</summary>
    public const string ProtocolName = "securenn";

    /// <summary>
    /// SecureNN with the masked-MSB DReLU (<see cref="DReluMethod.MaskedMsb"/>): the same linear layers
    /// and PrivateCompare, a faster comparison (3 rounds and 240 bytes per ReLU instead of 9 and 545),
    /// under its own name so that "securenn" means what the paper describes.
    /// </summary>
    public const string FastProtocolName = "securenn-fast";

    /// <summary>
    /// Comparisons (DReLU, ReLU, each MaxPool level) run in chunks of at most this many elements:
    /// each chunk has its own correlated randomness (one dealing, one preprocessing record) and its
    /// own rounds, so memory stays bounded (about 1 KB per element per party in flight, 64 MiB per
    /// chunk) however large the layer. A layer of n elements takes ceil(n / ChunkElements) times the
    /// rounds of one chunk; the chunks are a function of n alone, so all parties split alike.
    /// </summary>
    public const int ChunkElements = 1 << 16;

    public SecureNN(PartyContext context, ExecutionMode mode = ExecutionMode.Inline, PreprocessingBuffer? buffer = null)
        : base(context, mode, buffer)
    {
    }

    public override string Name => Comparison == DReluMethod.ShareConvert ? ProtocolName : FastProtocolName;

    /// <summary>
    /// DReLU(x) = [x &gt;= 0] as Z_2^64 shares of 0 or 1. With <see cref="DReluMethod.MaskedMsb"/> (the
    /// default) for every x in [-2^63, 2^63): 3 rounds, online 72 bytes per server and 1 bit from the
    /// helper to each server, offline 72 bytes to server1 (<see cref="DReluMaskedMsb"/>). With
    /// <see cref="DReluMethod.ShareConvert"/> (the paper) for x in [-2^62, 2^62): 1 - msb of
    /// ShareConvert(2x) (doubling makes the value even, so never 2^64 - 1, and keeps the sign while
    /// |x| &lt; 2^62); 8 rounds, online 160 per server and 67 bits from the helper to each server,
    /// offline 168 to server1 (<see cref="ShareConvert"/>, <see cref="ComputeMsb"/>). Per chunk of
    /// <see cref="ChunkElements"/>.
    /// </summary>
    public void DRelu(int count, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        using var op = Stats.Enter(operation: "drelu");
        for (var start = 0; start < count; start += ChunkElements)
        {
            var n = Math.Min(ChunkElements, count - start);
            if (TryAcquire("drelu", d => DealDRelu(d, n), out var m))
            {
                DReluCore(n, Chunk(x, start, n), Chunk(y, start, n), m);
                m.ReturnTo(Context.Recycler);
            }
        }
    }

    /// <summary>
    /// ReLU(x) = x * DReLU(x) (SelectShare with one Beaver product), exact on DReLU's domain;
    /// <paramref name="fracBits"/> is not needed. y may be the same span as x. Per chunk of
    /// <see cref="ChunkElements"/>, with the default <see cref="DReluMethod.MaskedMsb"/>: 3 rounds,
    /// online 80 bytes per server, 1 bit from the helper to each server and 8 bytes to server1,
    /// offline 72 to server1 (<see cref="ReluMaskedMsb"/>; the paper's method with a Beaver product:
    /// 9 rounds, 176 and 67 bits, 176).
    /// </summary>
    public override void Relu(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        using var op = Stats.Enter(operation: "relu");
        if (Comparison == DReluMethod.MaskedMsb)
        {
            PipelinedMaskedRelu(count, x, y);
            return;
        }

        for (var start = 0; start < count; start += ChunkElements)
        {
            var n = Math.Min(ChunkElements, count - start);
            if (TryAcquire("relu", d => DealRelu(d, n, "relu"), out var m))
            {
                ReluCore(n, Chunk(x, start, n), Chunk(y, start, n), m);
                m.ReturnTo(Context.Recycler);
            }
        }
    }

    /// <summary>
    /// Max pooling by a pairwise tournament in each window, all windows batched per level:
    /// max(a, b) = b + ReLU(a - b). ceil(log2 k) levels for windows of k valid elements,
    /// each a ReLU over all pairs of the level (the rounds of <see cref="Relu"/>
    /// per level and chunk of <see cref="ChunkElements"/> pairs). Values must satisfy |a - b| &lt; 2^63
    /// (2^62 with <see cref="DReluMethod.ShareConvert"/>). Bytes: those of <see cref="Relu"/> per compared pair.
    /// </summary>
    public override void MaxPool(in PoolGeometry g, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        g.Validate();
        Check(g.InputLength, x, nameof(x));
        Check(g.OutputLength, y, nameof(y));
        using var op = Stats.Enter(operation: "maxpool");
        var windows = PoolWindows.Get(g);
        var plan = TournamentPlan(windows);
        var stride = windows.MaxSize;
        var outputs = g.OutputLength;
        var sizes = new int[outputs];
        for (var o = 0; o < outputs; o++)
        {
            sizes[o] = windows.Size(o);
        }

        var current = Alloc(outputs * stride);
        if (HoldsShares)
        {
            for (var o = 0; o < outputs; o++)
            {
                var window = windows.Window(o);
                for (var k = 0; k < window.Length; k++)
                {
                    current[(o * stride) + k] = x[window[k]];
                }
            }
        }

        foreach (var pairs in plan)
        {
            var diff = Alloc(pairs);
            var low = Alloc(pairs);
            if (HoldsShares)
            {
                var p = 0;
                for (var o = 0; o < outputs; o++)
                {
                    for (var k = 0; k + 1 < sizes[o]; k += 2)
                    {
                        var a = current[(o * stride) + k];
                        var b = current[(o * stride) + k + 1];
                        diff[p] = a - b;
                        low[p++] = b;
                    }
                }
            }

            for (var start = 0; start < pairs; start += ChunkElements)
            {
                var n = Math.Min(ChunkElements, pairs - start);
                if (TryAcquire("maxpool", d => DealRelu(d, n, "maxpool"), out var m))
                {
                    // ReLU(a - b) in place: max(a, b) = b + ReLU(a - b).
                    var chunk = Chunk(diff.AsSpan(), start, n);
                    ReluCore(n, chunk, chunk, m);
                    m.ReturnTo(Context.Recycler);
                }
            }

            var q = 0;
            for (var o = 0; o < outputs; o++)
            {
                var size = sizes[o];
                for (var k = 0; k + 1 < size; k += 2)
                {
                    if (HoldsShares)
                    {
                        current[(o * stride) + (k / 2)] = low[q] + diff[q];
                    }

                    q++;
                }

                if ((size & 1) == 1 && HoldsShares)
                {
                    current[(o * stride) + (size / 2)] = current[(o * stride) + size - 1];
                }

                sizes[o] = (size + 1) / 2;
            }
        }

        if (HoldsShares)
        {
            for (var o = 0; o < outputs; o++)
            {
                y[o] = current[o * stride];
            }
        }
    }

    /// <summary>
    /// SelectShare: z = x + alpha (y - x), for alpha shares of 0 or 1: x when alpha = 0, y when 1.
    /// One Beaver product: 1 round, 16n bytes per server online, 8n offline to server1.
    /// </summary>
    public void SelectShare(int count, ReadOnlySpan<ulong> alpha, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> z)
    {
        Check(count, alpha, nameof(alpha));
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        Check(count, z, nameof(z));
        using var op = Stats.Enter(operation: "select share");
        if (!TryAcquire("select share", d => d.Triple(count), out var triple))
        {
            return;
        }

        var difference = Scratch<ulong>(count, HoldsShares);
        RingOps.Sub(y, x, difference);
        MulCore(count, alpha, difference, difference, triple);
        RingOps.Add(x, difference, z);
        triple.ReturnTo(Context.Recycler);
        Release(difference);
    }

    private void DReluCore(int n, ReadOnlySpan<ulong> x, Span<ulong> y, Material m)
    {
        if (m is MaskedMsbMaterial masked)
        {
            DReluMaskedMsb(n, x, y, masked);
            return;
        }

        var parts = (CompositeMaterial)m;
        var sc = parts.Next<ShareConvertMaterial>();
        var msb = parts.Next<MsbMaterial>();
        var doubled = Scratch<ulong>(n, HoldsShares);
        RingOps.ShiftLeft(x, 1, doubled);
        var converted = Scratch<ulong>(n, HoldsShares);
        ShareConvertCore(n, doubled, converted, sc);
        ComputeMsbCore(n, converted, y, msb);
        Release(doubled, converted);
        if (HoldsShares)
        {
            var j = Role == PartyId.Server1 ? 1UL : 0UL;
            for (var i = 0; i < n; i++)
            {
                y[i] = j - y[i];
            }
        }
    }

    /// <summary>The number of compared pairs at each tournament level (a function of the geometry alone).</summary>
    private static int[] TournamentPlan(PoolWindows windows)
    {
        var outputs = windows.Starts.Length - 1;
        var sizes = new int[outputs];
        for (var o = 0; o < outputs; o++)
        {
            sizes[o] = windows.Size(o);
        }

        var levels = new List<int>();
        while (true)
        {
            var pairs = 0;
            for (var o = 0; o < outputs; o++)
            {
                pairs += sizes[o] / 2;
                sizes[o] = (sizes[o] + 1) / 2;
            }

            if (pairs == 0)
            {
                return [.. levels];
            }

            levels.Add(pairs);
        }
    }

    /// <summary>Elements [start, start + n) of a share buffer, or the empty buffer where no shares are held.</summary>
    private Span<T> Chunk<T>(Span<T> buffer, int start, int n) => HoldsShares ? buffer.Slice(start, n) : buffer;

    private ReadOnlySpan<T> Chunk<T>(ReadOnlySpan<T> buffer, int start, int n) => HoldsShares ? buffer.Slice(start, n) : buffer;
}
