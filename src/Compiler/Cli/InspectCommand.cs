using System.Globalization;
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
