using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Mpc.Benchmarks;

/// <summary>Work done by one invocation of a benchmark method: a count and its unit (e.g. 3.7e9 "MAC").</summary>
public interface IWorkPerInvoke
{
    /// <summary>Units of work one invocation does, for the current parameter values.</summary>
    double Work { get; }

    /// <summary>"GMAC/s" or "GB/s": the column divides Work by the mean time and by 1e9.</summary>
    string Unit { get; }
}

/// <summary>Default config plus a throughput column computed from <see cref="IWorkPerInvoke"/>.</summary>
public sealed class KernelConfig : ManualConfig
{
    public KernelConfig()
    {
        AddColumn(new ThroughputColumn());
        SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
    }
}

/// <summary>
/// Work / mean time. The work comes from a fresh instance of the benchmark class with the case's
/// parameters set (parameters are plain properties here, so this needs no BenchmarkDotNet internals).
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "work per second: G multiply-accumulates (GMAC/s) or GB moved (GB/s), per core";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || Activator.CreateInstance(benchmarkCase.Descriptor.Type) is not IWorkPerInvoke work)
        {
            return "-";
        }

        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            benchmarkCase.Descriptor.Type.GetProperty(parameter.Name)?.SetValue(work, parameter.Value);
        }

        var seconds = stats.Mean * 1e-9;
        return FormattableString.Invariant($"{work.Work / seconds / 1e9:F2} {work.Unit}");
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
