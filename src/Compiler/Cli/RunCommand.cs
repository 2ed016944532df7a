using System.Globalization;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Cli.Secure;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Runtime;
using Mpc.Runtime.IO;

namespace Mpc.Compiler.Cli;

/// <summary><c>mpcc run MODEL.pb --input-file X.npy [--output-file Y.npy] --plaintext</c>.</summary>
internal static class RunCommand
{
    /// <summary>Values printed per output before eliding the rest (the file gets all of them).</summary>
    private const int PrintLimit = 64;

    public static int Execute(RunOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (options.Plaintext == (options.Protocol is not null))
        {
            throw new MpcInputException("run needs exactly one of --plaintext and --protocol securenn|securenn-fast|pond");
        }

        if (options.Protocol is not null)
        {
            return RunSecurely(options, stdout, stderr);
        }

        var input = options.InputFile is null ? null : Npy.Read(options.InputFile);
        var graph = Load(options, input);
        var inputs = graph.Inputs.ToList();
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (inputs.Count > 1)
        {
            throw new MpcInputException($"{options.Model}: the model has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); run takes one");
        }

        if (inputs.Count == 1)
        {
            if (input is null)
            {
                throw new MpcInputException($"--input-file is required: the model reads '{inputs[0].Name}' {inputs[0].Shape}");
            }

            feeds[inputs[0].Name] = Tensor.Own(CheckedShape(input, inputs[0], options.InputFile!), input.Data);
        }

        if (options.OutputFile is not null && graph.Outputs.Length != 1)
        {
            throw new MpcInputException(
                $"--output-file: the model has {graph.Outputs.Length} outputs ({string.Join(", ", graph.Outputs)}); choose one with --output");
        }

        var outputs = PlaintextExecutor.Run(graph, feeds);
        for (var i = 0; i < outputs.Count; i++)
        {
            Print(stdout, graph[graph.Outputs[i]], outputs[i]);
        }

        if (options.OutputFile is not null)
        {
            Npy.Write(options.OutputFile, outputs[0].Shape.Dims.AsSpan(), outputs[0].Span);
            stdout.WriteLine($"wrote {options.OutputFile}");
        }

        return 0;
    }

    /// <summary>
    /// Compiles the model in memory (the plan calibrated on the run's input and any --calibration
    /// files), builds the generated code with Roslyn and runs the party program's predict on it.
    /// </summary>
    private static int RunSecurely(RunOptions options, TextWriter stdout, TextWriter stderr)
    {
        var protocol = options.Protocol!;
        if (!Mpc.Runtime.Protocols.Protocol.Names.Contains(protocol))
        {
            throw new MpcInputException($"--protocol expects {string.Join(", ", Mpc.Runtime.Protocols.Protocol.Names)}, got '{protocol}'");
        }

        var file = options.InputFile ?? throw new MpcInputException("--input-file is required");
        var input = Npy.Read(file);
        var graph = Load(options, input);
        var shape = CheckedShape(input, graph.Inputs.Single(), file);
        var calibration = new List<Tensor>();
        for (var offset = 0; offset < input.Data.Length; offset += shape.ElementCount)
        {
            calibration.Add(Tensor.Create(shape, input.Data.AsSpan(offset, shape.ElementCount)));
        }

        var result = ModelCompiler.Compile(graph, Path.GetFileName(options.Model), new Compiler.CompileOptions(
            "Model", Calibration: [.. options.Calibration.Where(c => c.Length > 0)], CalibrationInputs: calibration,
            Emit: InMemoryModel.EmitOptions(options.Model)));
        if (!result.Program.Protocols.Contains(protocol))
        {
            throw new MpcInputException($"--protocol {protocol} is not available for {options.Model}: {string.Join("; ", result.Program.ProtocolNotes)}");
        }

        var model = InMemoryModel.Build(result);
        string[] args = ["predict", "--model", options.Model, "--input-file", file, "--protocol", protocol, "--check", "--quiet",
            .. options.OutputFile is null ? Array.Empty<string>() : ["--output-file", options.OutputFile]];
        return InMemoryModel.RunPartyProgram(model, args, stdout, stderr);
    }

    /// <summary>
    /// Without --batch-size, an input whose leading dimension differs sets the batch size (the
    /// model's batch dimension is -1); with a fixed batch dimension the shapes must match.
    /// </summary>
    private static Graph Load(RunOptions options, NpyArray? input)
    {
        var graph = Pipeline.Standard.Run(TfImporter.ImportFile(options.Model, CommandSupport.ImportOptions(options)));
        if (options.BatchSize is null && input is { Shape.Length: > 0 } && graph.Inputs.ToList() is [var only] &&
            only.Shape.Rank == input.Shape.Length && only.Shape[0] != input.Shape[0])
        {
            try
            {
                return Pipeline.Standard.Run(TfImporter.ImportFile(options.Model, CommandSupport.ImportOptions(options, input.Shape[0])));
            }
            catch (ModelException)
            {
                // The batch dimension is fixed: report the shapes, which CheckedShape does.
            }
        }

        return graph;
    }

    private static Shape CheckedShape(NpyArray array, Input input, string file)
    {
        var shape = Shape.Of(array.Shape);
        return shape.Equals(input.Shape)
            ? shape
            : throw new MpcInputException($"{file}: shape {shape} does not match model input '{input.Name}' {input.Shape}");
    }

    private static void Print(TextWriter stdout, Node node, Tensor value)
    {
        stdout.WriteLine($"{node.Name}: {IrPrinter.TypeText(node)}");
        var span = value.Span;
        var shown = Math.Min(span.Length, PrintLimit);
        var text = new List<string>(shown);
        for (var i = 0; i < shown; i++)
        {
            text.Add(node.ElementType == ElementType.Int64 ? ((long)span[i]).ToString(CultureInfo.InvariantCulture) : Formatting.Float(span[i]));
        }

        stdout.WriteLine("  [" + string.Join(", ", text) + (shown < span.Length ? $", ... ({span.Length - shown} more)" : string.Empty) + "]");
        if (node.ElementType == ElementType.Float32 && value.Shape.Rank == 2 && value.Shape[1] > 1)
        {
            var classes = Enumerable.Range(0, value.Shape[0]).Select(r => ArgMaxOfRow(value.Span.Slice(r * value.Shape[1], value.Shape[1])));
            stdout.WriteLine("  argmax per row: [" + string.Join(", ", classes) + "]");
        }
    }

    private static int ArgMaxOfRow(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
