using CommandLine;

namespace Mpc.Compiler.Cli;

/// <summary>Options every verb that reads a model shares.</summary>
public abstract class ModelOptions
{
    [Value(0, MetaName = "MODEL", Required = true, HelpText = "The frozen TensorFlow GraphDef (.pb).")]
    public string Model { get; set; } = string.Empty;

    [Option("batch-size", HelpText = "Size of the unknown (-1) batch dimension of the model's input (default 1).")]
    public int? BatchSize { get; set; }

    [Option("output", Separator = ',', HelpText = "Output node(s), comma-separated (default: the nodes nothing else reads).")]
    public IEnumerable<string> Outputs { get; set; } = [];
}

[Verb("inspect", HelpText = "Print the folded model's layers: shapes, parameters, MACs, ReLUs and comparisons.")]
public sealed class InspectOptions : ModelOptions
{
    [Option("dump-ir-after", HelpText = "Print the IR after a pass: import, a pass name (e.g. FoldBatchNorm) or all.")]
    public string? DumpIrAfter { get; set; }
}

[Verb("run", HelpText = "Run the model on an input and print (or write) the output.")]
public sealed class RunOptions : ModelOptions
{
    [Option("input-file", HelpText = "The input as .npy (float32, float64 or uint8, C order).")]
    public string? InputFile { get; set; }

    [Option("output-file", HelpText = "Write the output here as float32 .npy.")]
    public string? OutputFile { get; set; }

    [Option("plaintext", HelpText = "Compute in float32 in the clear (the only mode until the secure protocols land).")]
    public bool Plaintext { get; set; }
}
