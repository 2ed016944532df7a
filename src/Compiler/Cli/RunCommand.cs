using System.Globalization;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
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

    public static int Execute(RunOptions options, TextWriter stdout)
    {
        if (!options.Plaintext)
        {
            throw new MpcInputException("run needs --plaintext (secure protocols are not available yet)");
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
