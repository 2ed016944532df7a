using System.Globalization;
using Mpc.Compiler.Analysis;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Cli;

/// <summary>The inspect table: one row per layer (every node but constants), then totals in G/M units.</summary>
internal static class LayerTable
{
    private static readonly string[] Headers = ["#", "op", "node", "output", "params", "MACs", "ReLUs", "comparisons"];

    public static string Format(string model, int batchSize, Graph graph)
    {
        var layers = CostModel.Analyze(graph);
        var rows = layers.Select((l, i) => new[]
        {
            (i + 1).ToString(CultureInfo.InvariantCulture), l.Node.Op, l.Node.Name, IrPrinter.TypeText(l.Node)[3..],
            Formatting.Count(l.Parameters), Formatting.Count(l.Macs), Formatting.Count(l.Relus), Formatting.Count(l.Comparisons),
        }).ToList();
        var widths = Headers.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();

        var w = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        w.WriteLine($"model {model}, batch size {batchSize}");
        w.WriteLine($"fingerprint {graph.Fingerprint}");
        w.WriteLine();
        w.WriteLine(Row(Headers, widths));
        foreach (var row in rows)
        {
            w.WriteLine(Row(row, widths));
        }

        var total = CostModel.Total(layers);
        var linear = graph.Nodes.OfType<LinearNode>().Count();
        w.WriteLine();
        w.WriteLine($"{layers.Count} nodes, {linear} linear layers, {Formatting.Units(total.Parameters)} parameters");
        w.WriteLine($"total: {Formatting.Units(total.Macs)} MACs, {Formatting.Units(total.Relus)} ReLUs, {Formatting.Units(total.Comparisons)} comparisons");
        w.WriteLine("(comparisons: MaxPool, Relu6's upper clamp, Maximum/Minimum, ReduceMax/Min, ArgMax; ReLUs are counted apart)");
        return w.ToString();
    }

    /// <summary>Text columns left-aligned, number columns (from "params" on) right-aligned.</summary>
    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i is 0 or >= 4 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
}
