using Mpc.Compiler.Evaluation;
using Mpc.Compiler.Ir;
using Mpc.Runtime;
using Mpc.Runtime.IO;

namespace Mpc.Compiler.Cli.Secure;

/// <summary>
/// The secure runner of <c>mpcc evaluate --protocol</c>: the model compiled in memory (calibrated on
/// train-split images, never on the split reported), then one party-program session per batch of
/// images: one model load, every image a secure prediction, the logits written by the client.
/// </summary>
internal static class SecureEvaluation
{
    private const int CalibrationImages = 8;

    public static EvaluateCommand.Runner Create(EvaluateOptions options, string protocol, Graph graph, TextWriter log)
    {
        var data = IsicData.Load(options.Data);
        var calibration = data.Split("train").Take(CalibrationImages).Select(data.Input).ToList();
        var result = ModelCompiler.Compile(graph, Path.GetFileName(options.Model), new Compiler.CompileOptions(
            "Model", CalibrationInputs: calibration, Emit: InMemoryModel.EmitOptions(options.Model)));
        if (!result.Program.Protocols.Contains(protocol))
        {
            throw new MpcInputException($"--protocol {protocol} is not available for {options.Model}: {string.Join("; ", result.Program.ProtocolNotes)}");
        }

        var model = InMemoryModel.Build(result);
        return (_, inputs) => Run(model, options.Model, protocol, inputs, log);
    }

    private static float[][] Run(Party.Models.CompiledModel model, string modelPath, string protocol, IReadOnlyList<Tensor> inputs, TextWriter log)
    {
        var folder = Directory.CreateTempSubdirectory("mpcc-evaluate-").FullName;
        try
        {
            var shape = inputs[0].Shape.Dims.ToArray();
            var images = Path.Combine(folder, "images.npy");
            Npy.Write(images, [inputs.Count, .. shape.Skip(1)], inputs.SelectMany(t => t.ToArray()).ToArray());
            var logits = Path.Combine(folder, "logits.npy");
            var output = new StringWriter();
            var error = new StringWriter();
            var code = InMemoryModel.RunPartyProgram(model, ["predict", "--model", modelPath, "--input-file", images, "--protocol", protocol, "--output-file", logits, "--quiet"], output, error);
            if (code != 0)
            {
                throw new MpcException($"the secure run failed: {error.ToString().Trim()}");
            }

            log.WriteLine($"{protocol}: {inputs.Count} secure predictions; " + LatencyLine(output.ToString()));
            var read = Npy.Read(logits);
            var classes = read.Data.Length / inputs.Count;
            return [.. Enumerable.Range(0, inputs.Count).Select(i => read.Data.AsSpan(i * classes, classes).ToArray())];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The last row of the party program's latency table (the mean, or the only iteration), for the log.</summary>
    private static string LatencyLine(string output)
    {
        var lines = output.Split('\n');
        var header = Array.FindIndex(lines, l => l.StartsWith("latency per iteration", StringComparison.Ordinal));
        var rows = header < 0 ? [] : lines.Skip(header + 1).TakeWhile(l => l.Trim().Length > 0).ToArray();
        return rows.Length == 0 ? "" : $"{lines[header].Trim()}: {rows[^1].Trim()}";
    }
}
