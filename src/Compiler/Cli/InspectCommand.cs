using System.Globalization;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Compiler.Planning;
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
        var calibration = options.Calibration.Where(c => c.Length > 0).ToList();
        if (calibration.Count > 0 || options.InputBound is not null)
        {
            var result = ModelCompiler.Compile(graph, Path.GetFileName(options.Model), new Compiler.CompileOptions("Model", Calibration: calibration, InputBound: options.InputBound));
            stdout.Write(PlanTable(result));
        }

        return 0;
    }

    /// <summary>The fixed-point plan: scales, and per truncation its bound, method and the local method's failure probability.</summary>
    private static string PlanTable(CompilationResult result)
    {
        var plan = result.Plan;
        var w = new StringWriter(CultureInfo.InvariantCulture);
        w.WriteLine();
        w.WriteLine($"fixed point: {plan.Summary()}");
        w.WriteLine($"protocols: {string.Join(", ", result.Program.Protocols)}");
        foreach (var note in result.Program.ProtocolNotes)
        {
            w.WriteLine($"  not {note}");
        }

        w.WriteLine();
        var nodeWidth = Math.Max(4, plan.Truncations.Select(t => t.Node.Length).DefaultIfEmpty(0).Max());
        w.WriteLine($"{"node".PadRight(nodeWidth)}  {"elements",10}  {"|x| <",6}  {"by",3}  {"method",6}  {"P(local fails)",14}");
        foreach (var t in plan.Truncations)
        {
            w.WriteLine($"{t.Node.PadRight(nodeWidth)}  {t.Elements,10:N0}  {"2^" + t.MagnitudeBits,6}  {t.Bits,3}  {t.Method.ToString().ToLowerInvariant(),6}  {FixedPointPlan.FormatProbability(t.LocalFailureProbability),14}");
        }

        return w.ToString();
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
