using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mpc.Party.Models;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Output;

/// <summary>
/// <c>party --layer-report FILE</c>: where one computing party's time, CPU, bytes and rounds went,
/// per request, phase, layer and protocol operation, as a tab-separated table (docs/PARTY.md has the
/// columns). Bytes and rounds come from the party's <see cref="ProtocolStats"/> (the links' counters,
/// attributed to the layer that was current); a layer's wall time and its protocol thread's CPU time
/// are taken at the layer boundaries the generated code reports. Names and counts only: nothing
/// about the data.
/// </summary>
internal sealed class LayerReport
{
    /// <summary>The table's header line.</summary>
    public const string Header = "request\tphase\tlayer\toperation\tpredictions\twall_ms\tcpu_ms\tbytes_sent\tbytes_received\trounds";

    private readonly string _party;
    private readonly ProtocolStats _online;
    private readonly ProtocolStats _offline;
    private readonly StringBuilder _rows = new();
    private Dictionary<StatsKey, Counts> _before = [];
    private Environment.ProcessCpuUsage _cpuBefore;

    /// <param name="party">The party's name, for the file's first line.</param>
    /// <param name="online">The online context's stats (used by the calling thread).</param>
    /// <param name="offline">The offline context's stats (read only while its thread is idle).</param>
    public LayerReport(string party, ProtocolStats online, ProtocolStats offline)
    {
        _party = party;
        _online = online;
        _offline = offline;
    }

    /// <summary>Times the online phase's layers (the calling thread's).</summary>
    public LayerTimer Online { get; } = new();

    /// <summary>Times the offline phase's layers (the preprocessing thread's, or the calling thread's when ahead).</summary>
    public LayerTimer Offline { get; } = new();

    /// <summary>Before a request's first prediction.</summary>
    public void BeginRequest()
    {
        _before = Snapshot();
        _cpuBefore = Environment.CpuUsage;
        Online.Clear();
        Offline.Clear();
    }

    /// <summary>After a request's last prediction (and after the preprocessing thread has finished it).</summary>
    public void EndRequest(int request, int predictions, double offlineMs, double onlineMs)
    {
        var cpu = Environment.CpuUsage;
        var after = Snapshot();
        var delta = after.ToDictionary(e => e.Key, e => e.Value - _before.GetValueOrDefault(e.Key));
        void Row(string phase, string layer, string operation, double? wall, double? cpuMs, Counts c) =>
            _rows.Append(CultureInfo.InvariantCulture,
                $"{request}\t{phase}\t{(layer.Length == 0 ? "-" : layer)}\t{(operation.Length == 0 ? "-" : operation)}\t{predictions}\t{Number(wall)}\t{Number(cpuMs)}\t{c.BytesSent}\t{c.BytesReceived}\t{c.Rounds}\n");
        Counts Sum(Func<StatsKey, bool> filter) => delta.Where(e => filter(e.Key)).Aggregate(default(Counts), (s, e) => s + e.Value);

        foreach (var (phase, timer, ms) in new[] { (Phase.Offline, Offline, offlineMs), (Phase.Online, Online, onlineMs) })
        {
            var name = phase.ToString();
            Row(name, "*", "*", ms, null, Sum(k => k.Phase == phase));
            var layers = timer.Layers.Select(l => l.Name).Concat(delta.Keys.Where(k => k.Phase == phase).Select(k => k.Layer)).Distinct().ToList();
            foreach (var layer in layers)
            {
                var timed = timer.Layers.FirstOrDefault(l => l.Name == layer);
                Row(name, layer, "*", timed?.WallMs, timed?.CpuMs, Sum(k => k.Phase == phase && k.Layer == layer));
                foreach (var (key, c) in delta.Where(e => e.Key.Phase == phase && e.Key.Layer == layer).OrderBy(e => e.Key.Operation, StringComparer.Ordinal))
                {
                    if (c != default)
                    {
                        Row(name, layer, key.Operation, c.Elapsed.TotalMilliseconds, null, c);
                    }
                }
            }
        }

        // The whole process (every thread: protocol, preprocessing, link writers) over the request.
        Row("Process", "*", "user", null, (cpu.UserTime - _cpuBefore.UserTime).TotalMilliseconds, default);
        Row("Process", "*", "system", null, (cpu.PrivilegedTime - _cpuBefore.PrivilegedTime).TotalMilliseconds, default);
    }

    /// <summary>Writes the table atomically (a temporary file in the same folder, then a rename).</summary>
    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, $"# {_party} layer report: ms are wall-clock (operation rows: exclusive of nested keys), cpu_ms the protocol thread's CPU (Process rows: every thread's)\n{Header}\n{_rows}");
        File.Move(temporary, full, overwrite: true);
    }

    private Dictionary<StatsKey, Counts> Snapshot()
    {
        var all = new Dictionary<StatsKey, Counts>();
        foreach (var stats in new[] { _online, _offline })
        {
            foreach (var (key, c) in stats.Entries)
            {
                all[key] = all.GetValueOrDefault(key) + new Counts(c.BytesSent, c.BytesReceived, c.Rounds, c.Elapsed);
            }
        }

        return all;
    }

    private static string Number(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";

    private readonly record struct Counts(long BytesSent, long BytesReceived, long Rounds, TimeSpan Elapsed)
    {
        public static Counts operator +(Counts a, Counts b) =>
            new(a.BytesSent + b.BytesSent, a.BytesReceived + b.BytesReceived, a.Rounds + b.Rounds, a.Elapsed + b.Elapsed);

        public static Counts operator -(Counts a, Counts b) =>
            new(a.BytesSent - b.BytesSent, a.BytesReceived - b.BytesReceived, a.Rounds - b.Rounds, a.Elapsed - b.Elapsed);
    }
}

/// <summary>
/// Wall-clock and thread CPU time per layer of one phase, summed over a request's predictions; the
/// clock of each prediction starts at <see cref="Start"/>. Used by one thread at a time.
/// </summary>
internal sealed class LayerTimer : ILayerObserver
{
    private readonly List<TimedLayer> _layers = [];
    private long _since;
    private double _cpuSince;

    /// <summary>The layers in the order they first finished.</summary>
    public IReadOnlyList<TimedLayer> Layers => _layers;

    /// <summary>Before each prediction of this phase.</summary>
    public void Start()
    {
        _since = Stopwatch.GetTimestamp();
        _cpuSince = ThreadCpu.Milliseconds();
    }

    public void LayerDone(int index, LayerDescription layer)
    {
        var now = Stopwatch.GetTimestamp();
        var cpu = ThreadCpu.Milliseconds();
        var timed = _layers.FirstOrDefault(l => l.Name == layer.Name);
        if (timed is null)
        {
            _layers.Add(timed = new TimedLayer(layer.Name));
        }

        timed.WallMs += Stopwatch.GetElapsedTime(_since, now).TotalMilliseconds;
        timed.CpuMs = double.IsNaN(cpu) ? null : (timed.CpuMs ?? 0) + (cpu - _cpuSince);
        (_since, _cpuSince) = (now, cpu);
    }

    internal void Clear() => _layers.Clear();
}

/// <summary>One layer's summed times.</summary>
internal sealed class TimedLayer(string name)
{
    public string Name { get; } = name;

    public double WallMs { get; set; }

    /// <summary>The protocol thread's CPU time; null where the system does not report it.</summary>
    public double? CpuMs { get; set; }
}

/// <summary>The calling thread's CPU time (Linux: /proc/thread-self/schedstat, nanosecond resolution); NaN elsewhere.</summary>
internal static class ThreadCpu
{
    public static double Milliseconds()
    {
        try
        {
            var text = File.ReadAllText("/proc/thread-self/schedstat");
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            return long.TryParse(end < 0 ? text : text[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var ns) ? ns / 1e6 : double.NaN;
        }
        catch (IOException)
        {
            return double.NaN;
        }
        catch (UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }
}

/// <summary>Forwards layer events to two observers (the progress lines and the layer report).</summary>
internal sealed class BothObservers(ILayerObserver first, ILayerObserver second) : ILayerObserver
{
    public static ILayerObserver? Of(ILayerObserver? first, ILayerObserver? second) =>
        first is null ? second : second is null ? first : new BothObservers(first, second);

    public void LayerDone(int index, LayerDescription layer)
    {
        first.LayerDone(index, layer);
        second.LayerDone(index, layer);
    }
}
