using System.Collections.Immutable;
using Mpc.Compiler.Emit;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Lowering;
using Mpc.Compiler.Planning;
using Mpc.Runtime;
using Mpc.Runtime.IO;

namespace Mpc.Compiler;

/// <summary>How to compile a model: its name, batch size, where activation bounds come from, and planner and emitter choices.</summary>
/// <param name="Name">The model's name (a C# identifier): the class, namespace and executable are named after it.</param>
/// <param name="Calibration">Typical inputs (.npy files, N samples each) whose observed activations bound the plan.</param>
/// <param name="CalibrationInputs">Further calibration inputs given as tensors (the input of <c>mpcc run</c>, tests).</param>
/// <param name="InputBound">Without calibration: |input| &lt;= this, for sound interval bounds.</param>
/// <param name="OutputActivation">What the output receiver applies to the revealed logits ("softmax" or "none"); default: the graph's own tail.</param>
/// <param name="AllowInaccuratePond">Offer Pond even where its polynomials leave their accurate range (see <see cref="ChooseProtocols.Run"/>).</param>
public sealed record CompileOptions(
    string Name,
    int? BatchSize = null,
    IReadOnlyList<string>? Calibration = null,
    IReadOnlyList<Tensor>? CalibrationInputs = null,
    double? InputBound = null,
    PlanOptions? Plan = null,
    EmitOptions? Emit = null,
    string? OutputActivation = null,
    bool AllowInaccuratePond = false);

/// <summary>Every stage's result, for dumps and tests.</summary>
public sealed record CompilationResult(Graph Graph, FixedPointPlan Plan, SecureProgram Program, ImmutableArray<GeneratedFile> Files);

/// <summary>
/// The compile pipeline: frontend and standard passes (<see cref="ModelLoader"/>), activation bounds
/// (calibration or interval analysis), fixed-point planning, lowering to protocol operations, C#
/// emission. Every stage is a pure function of the previous one.
/// </summary>
public static class ModelCompiler
{
    public static CompilationResult Compile(string modelPath, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var graph = ModelLoader.Load(modelPath, new ImportOptions(options.BatchSize));
        return Compile(graph, Path.GetFileName(modelPath), options);
    }

    public static CompilationResult Compile(Graph graph, string sourceFile, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        var calibration = Calibration(graph, options);
        var bounds = calibration is null ? IntervalBounds(graph, options) : ActivationBounds.Calibrate(graph, calibration);
        var plan = PlanFixedPoint.Run(graph, bounds, options.Plan, sourceFile);
        var protocols = ChooseProtocols.Run(graph, calibration, options.AllowInaccuratePond);
        var program = LowerToProtocol.Run(graph, plan, protocols, options.Name, sourceFile);
        if (options.OutputActivation is { } tail)
        {
            program = tail is "softmax" or "none"
                ? program with { OutputTail = tail }
                : throw new MpcInputException($"--output-activation expects softmax or none, got '{tail}'");
        }

        return new CompilationResult(graph, plan, program, GeneratedFiles.Emit(program, options.Emit));
    }

    /// <summary>The calibration inputs as batches the graph accepts, or null when none are given.</summary>
    public static IReadOnlyList<Tensor>? Calibration(Graph graph, CompileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inputs = (options.Calibration ?? []).SelectMany(f => Batches(graph, f)).Concat(options.CalibrationInputs ?? []).ToList();
        return inputs.Count > 0 ? inputs : null;
    }

    /// <summary>Without calibration: sound bounds by interval analysis from the input bound.</summary>
    private static ActivationBounds IntervalBounds(Graph graph, CompileOptions options)
    {
        if (options.InputBound is double bound)
        {
            return bound > 0 && double.IsFinite(bound)
                ? ActivationBounds.Interval(graph, bound)
                : throw new MpcInputException($"--input-bound {bound}: must be a positive number");
        }

        throw new MpcInputException("the fixed-point planner needs activation bounds: give --calibration FILE.npy (typical inputs) or --input-bound B (every input element within [-B, B])");
    }

    /// <summary>Splits a calibration file into batches the graph accepts (a file holds N samples, N a multiple of the batch size).</summary>
    public static IEnumerable<Tensor> Batches(Graph graph, string file)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var input = graph.Inputs.Single();
        var array = Npy.Read(file);
        var perSample = input.Shape.Dims.Skip(1).ToArray();
        var shapeOk = array.Shape.Length == input.Shape.Rank && array.Shape.Skip(1).SequenceEqual(perSample)
            || (array.Shape.SequenceEqual(perSample) && input.Shape[0] == 1);
        if (!shapeOk || array.Data.Length % input.Shape.ElementCount != 0)
        {
            throw new MpcInputException($"{file}: shape [{string.Join(",", array.Shape)}] is not N samples of the model input '{input.Name}' {input.Shape} (N a multiple of the batch size {input.Shape[0]})");
        }

        for (var offset = 0; offset < array.Data.Length; offset += input.Shape.ElementCount)
        {
            yield return Tensor.Create(input.Shape, array.Data.AsSpan(offset, input.Shape.ElementCount));
        }
    }
}
