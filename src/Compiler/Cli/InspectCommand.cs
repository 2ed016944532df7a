using System.Globalization;
using Mpc.Compiler.Analysis;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Runtime;

namespace Mpc.Compiler.Cli;

/// <summary><c>mpcc inspect MODEL.pb</c>: the folded model's layer table and totals.</summary>
internal static class InspectCommand
{
    public static int Execute(InspectOptions options, TextWriter stdout)
    {
        var pipeline = Pipeline.Standard;
        var dump = options.DumpIrAfter;
        if (dump is not null && !dump.Equals("all", StringComparison.OrdinalIgnoreCase) &&
            !dump.Equals("import", StringComparison.OrdinalIgnoreCase) && pipeline.Find(dump) is null)
        {
            throw new MpcInputException(
                $"--dump-ir-after {dump}: no such pass (import, {string.Join(", ", pipeline.Passes.Select(p => p.Name))}, all)");
        }

        var imported = TfImporter.ImportFile(options.Model, CommandSupport.ImportOptions(options));
        if (Wants(dump, "import"))
        {
            Dump(stdout, "import", imported);
        }

        var graph = pipeline.Run(imported, (pass, g) =>
        {
            if (Wants(dump, pass.Name))
            {
                Dump(stdout, pass.Name, g);
            }
        });

        stdout.Write(LayerTable.Format(options.Model, options.BatchSize ?? 1, graph));
        return 0;
    }

    private static bool Wants(string? dump, string stage) =>
        dump is not null && (dump.Equals("all", StringComparison.OrdinalIgnoreCase) || dump.Equals(stage, StringComparison.OrdinalIgnoreCase));

    private static void Dump(TextWriter stdout, string stage, Graph graph)
    {
        stdout.Write(string.Create(CultureInfo.InvariantCulture, $"# IR after {stage}\n"));
        stdout.Write(IrPrinter.Print(graph));
        stdout.Write('\n');
    }
}

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
