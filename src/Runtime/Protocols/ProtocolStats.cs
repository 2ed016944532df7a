using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>When a message or a unit of work happens in a party's life.</summary>
public enum Phase
{
    /// <summary>Pairwise seed exchange when the parties connect.</summary>
    Setup,

    /// <summary>Once per model load: receiving weight shares and opening F = W - B.</summary>
    ModelLoad,

    /// <summary>Input-independent correlated randomness (the helper's dealing), ahead of or interleaved with a prediction.</summary>
    Offline,

    /// <summary>Everything that depends on the input: the prediction proper.</summary>
    Online,
}

/// <summary>Where counters are attributed: the phase, the layer (set by generated code) and the protocol operation.</summary>
public readonly record struct StatsKey(Phase Phase, string Layer, string Operation);

/// <summary>Traffic, rounds and time of one <see cref="StatsKey"/>.</summary>
public sealed class StatsCounters
{
    public long BytesSent { get; internal set; }

    public long FramesSent { get; internal set; }

    public long BytesReceived { get; internal set; }

    public long FramesReceived { get; internal set; }

    /// <summary>
    /// Rounds: sequential communication layers, as the protocol declares them (see
    /// <see cref="ProtocolStats.Round"/>), counted identically on all three parties.
    /// </summary>
    public long Rounds { get; internal set; }

    /// <summary>Wall-clock time spent in this key, exclusive of nested keys.</summary>
    public TimeSpan Elapsed { get; internal set; }

    internal void Add(StatsCounters other)
    {
        BytesSent += other.BytesSent;
        FramesSent += other.FramesSent;
        BytesReceived += other.BytesReceived;
        FramesReceived += other.FramesReceived;
        Rounds += other.Rounds;
        Elapsed += other.Elapsed;
    }
}

/// <summary>
/// One party's counters per (phase, layer, operation). Attribution is exclusive: entering a nested
/// scope (an operation inside a layer, dealing inside an operation) pauses the outer key's clock and
/// sends its bytes to the inner key. Used by one thread (the party's protocol thread).
/// </summary>
/// <remarks>
/// <para>Bytes and frames are not counted here but by the links themselves (<see cref="ChannelStats"/>,
/// the one traffic counter of the runtime): this object watches the party's links and, whenever the
/// key changes, attributes what their counters moved since the last change to the key that was
/// current. Traffic to the client roles is attributed the same way (<see cref="Measure"/>).</para>
/// <para>Rounds are declared, not inferred from traffic: a round is one sequential communication
/// layer of a protocol, a set of messages the parties send in parallel, each depending only on
/// messages of earlier rounds. Every protocol step calls <see cref="Round"/> once per layer on all
/// three parties, including a party that only sends or only receives in it, so all parties count
/// the same rounds for every key and <see cref="ProtocolCosts"/> predicts them exactly.</para>
/// </remarks>
public sealed class ProtocolStats
{
    private readonly Dictionary<StatsKey, StatsCounters> _entries = [];
    private readonly List<Watched> _watched = [];
    private StatsKey _current;
    private StatsCounters _counters;
    private long _since;

    public ProtocolStats(Phase initialPhase = Phase.Online)
    {
        _current = new StatsKey(initialPhase, "", "");
        _counters = Get(_current);
        _since = Stopwatch.GetTimestamp();
    }

    /// <summary>The key new traffic and rounds are attributed to.</summary>
    public StatsKey Current => _current;

    public IReadOnlyDictionary<StatsKey, StatsCounters> Entries
    {
        get
        {
            Flush();
            return _entries;
        }
    }

    /// <summary>Attributes what follows to a new key until the returned scope is disposed; null parts keep the current value.</summary>
    public StatsScope Enter(Phase? phase = null, string? layer = null, string? operation = null)
    {
        var previous = _current;
        Switch(new StatsKey(phase ?? previous.Phase, layer ?? previous.Layer, operation ?? previous.Operation));
        return new StatsScope(this, previous);
    }

    /// <summary>Counts one protocol round (one sequential communication layer) under the current key.</summary>
    public void Round() => _counters.Rounds++;

    /// <summary>Attributes the traffic of <paramref name="channel"/> (one of the party's links) from now on.</summary>
    internal void Watch(IChannel channel)
    {
        Flush();
        _watched.Add(new Watched(channel.Stats, channel.Stats.Snapshot()));
    }

    /// <summary>
    /// Attributes the traffic of a channel that is not one of the party's links (to a client role)
    /// until the returned scope is disposed, to the key current then.
    /// </summary>
    internal MeasureScope Measure(IChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new MeasureScope(this, channel.Stats, channel.Stats.Snapshot());
    }

    internal void AddTraffic(TrafficSnapshot delta)
    {
        _counters.BytesSent += delta.BytesSent;
        _counters.FramesSent += delta.FramesSent;
        _counters.BytesReceived += delta.BytesReceived;
        _counters.FramesReceived += delta.FramesReceived;
    }

    internal void Restore(StatsKey previous) => Switch(previous);

    /// <summary>The sum of every key that matches <paramref name="filter"/> (all keys when null).</summary>
    public StatsCounters Sum(Func<StatsKey, bool>? filter = null)
    {
        var total = new StatsCounters();
        foreach (var (key, counters) in Entries)
        {
            if (filter is null || filter(key))
            {
                total.Add(counters);
            }
        }

        return total;
    }

    /// <summary>The sum over one phase.</summary>
    public StatsCounters Total(Phase phase) => Sum(k => k.Phase == phase);

    /// <summary>Adds another party context's counters (e.g. the offline context's) into this one's keys.</summary>
    public void Merge(ProtocolStats other)
    {
        foreach (var (key, counters) in other.Entries)
        {
            Get(key).Add(counters);
        }
    }

    /// <summary>A table of phase totals and per-layer lines, bytes in the invariant culture (for reports and logs: no secrets in it).</summary>
    public string Summary()
    {
        var sb = new StringBuilder();
        foreach (var phase in Enum.GetValues<Phase>())
        {
            var t = Total(phase);
            if (t.FramesSent + t.FramesReceived + t.Rounds == 0 && t.Elapsed == TimeSpan.Zero)
            {
                continue;
            }

            sb.AppendFormat(CultureInfo.InvariantCulture, "{0,-9} sent {1,14:N0} B in {2,8:N0} frames, {3,6:N0} rounds, {4,10:F3} s\n",
                phase, t.BytesSent, t.FramesSent, t.Rounds, t.Elapsed.TotalSeconds);
            foreach (var layer in Entries.Keys.Where(k => k.Phase == phase).Select(k => k.Layer).Distinct().Order(StringComparer.Ordinal))
            {
                var l = Sum(k => k.Phase == phase && k.Layer == layer);
                sb.AppendFormat(CultureInfo.InvariantCulture, "  {0,-20} sent {1,14:N0} B, {2,6:N0} rounds, {3,10:F3} s\n",
                    layer.Length == 0 ? "(none)" : layer, l.BytesSent, l.Rounds, l.Elapsed.TotalSeconds);
            }
        }

        return sb.ToString();
    }

    private void Switch(StatsKey next)
    {
        Flush();
        _current = next;
        _counters = Get(next);
    }

    private void Flush()
    {
        var now = Stopwatch.GetTimestamp();
        _counters.Elapsed += Stopwatch.GetElapsedTime(_since, now);
        _since = now;
        for (var i = 0; i < _watched.Count; i++)
        {
            var (stats, last) = _watched[i];
            var snapshot = stats.Snapshot();
            AddTraffic(snapshot - last);
            _watched[i] = new Watched(stats, snapshot);
        }
    }

    private readonly record struct Watched(ChannelStats Stats, TrafficSnapshot Last);

    private StatsCounters Get(StatsKey key)
    {
        if (!_entries.TryGetValue(key, out var counters))
        {
            counters = new StatsCounters();
            _entries.Add(key, counters);
        }

        return counters;
    }
}

/// <summary>Restores the previous stats key when disposed (<c>using var _ = stats.Enter(...)</c>).</summary>
public readonly struct StatsScope : IDisposable
{
    private readonly ProtocolStats? _stats;
    private readonly StatsKey _previous;

    internal StatsScope(ProtocolStats stats, StatsKey previous)
    {
        _stats = stats;
        _previous = previous;
    }

    public void Dispose() => _stats?.Restore(_previous);
}

/// <summary>Adds a client channel's traffic during the scope to the current key when disposed.</summary>
internal readonly struct MeasureScope : IDisposable
{
    private readonly ProtocolStats _stats;
    private readonly ChannelStats _channel;
    private readonly TrafficSnapshot _before;

    internal MeasureScope(ProtocolStats stats, ChannelStats channel, TrafficSnapshot before)
    {
        _stats = stats;
        _channel = channel;
        _before = before;
    }

    public void Dispose() => _stats.AddTraffic(_channel.Snapshot() - _before);
}
