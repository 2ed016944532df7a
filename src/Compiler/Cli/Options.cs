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

    [Option("calibration", Separator = ',', HelpText = "Typical inputs (.npy): also print the fixed-point plan and each truncation's failure probability.")]
    public IEnumerable<string> Calibration { get; set; } = [];

    [Option("input-bound", HelpText = "Without --calibration: plan from sound interval bounds (|input| <= B).")]
    public double? InputBound { get; set; }
}

[Verb("run", HelpText = "Run the model on an input and print (or write) the output.")]
public sealed class RunOptions : ModelOptions
{
    [Option("input-file", HelpText = "The input as .npy (float32, float64 or uint8, C order).")]
    public string? InputFile { get; set; }

    [Option("output-file", HelpText = "Write the output here as float32 .npy.")]
    public string? OutputFile { get; set; }

    [Option("plaintext", HelpText = "Compute in float32 in the clear.")]
    public bool Plaintext { get; set; }

    [Option("protocol", HelpText = "Compile the model in memory and run it securely: securenn or pond (all parties in this process, loopback TLS).")]
    public string? Protocol { get; set; }

    [Option("calibration", Separator = ',', HelpText = "With --protocol: more inputs (.npy) for the fixed-point plan (the run's own input is always one).")]
    public IEnumerable<string> Calibration { get; set; } = [];
}

[Verb("compile", HelpText = "Compile the model to a C# project of secret-shared layers (NativeAOT-publishable party program).")]
public sealed class CompileOptions : ModelOptions
{
    [Option("name", Required = true, HelpText = "The model's name, a C# identifier (e.g. SkinCancer): class, namespace and executable.")]
    public string Name { get; set; } = string.Empty;

    [Option("out", Required = true, HelpText = "The project folder to write (e.g. src/Generated.SkinCancer).")]
    public string Out { get; set; } = string.Empty;

    [Option("calibration", Separator = ',', HelpText = "Typical inputs (.npy, N samples each) that bound the activations for the fixed-point plan.")]
    public IEnumerable<string> Calibration { get; set; } = [];

    [Option("input-bound", HelpText = "Without --calibration: every input element is within [-B, B] (sound but loose interval bounds).")]
    public double? InputBound { get; set; }

    [Option("activation-frac-bits", HelpText = "Force the fractional bits of activations (default: planned, at most 16).")]
    public int? ActivationFracBits { get; set; }

    [Option("weight-frac-bits", HelpText = "Force the fractional bits of weights (default: planned, at most 20).")]
    public int? WeightFracBits { get; set; }

    [Option("truncation", HelpText = "Force every truncation to local or helper (default: local only where P(failure) stays within 2^-20).")]
    public string? Truncation { get; set; }

    [Option("output-activation", HelpText = "What the output receiver applies to the revealed logits: softmax (print class probabilities) or none (default: the graph's own Softmax/ArgMax tail, if any).")]
    public string? OutputActivation { get; set; }

    [Option("allow-inaccurate-pond", HelpText = "Offer pond even where its polynomial activations leave their accurate range on the calibration inputs (to measure its cost: its results can be wrong). Max pooling still rules it out.")]
    public bool AllowInaccuratePond { get; set; }

    [Option("party-project", HelpText = "Path of src/Party/Party.csproj relative to --out (default: ../Party/Party.csproj).")]
    public string? PartyProject { get; set; }
}

[Verb("evaluate", HelpText = "Score a binary classifier on the ISIC data set: AUC, sensitivity and specificity with bootstrap intervals.")]
public sealed class EvaluateOptions : ModelOptions
{
    [Option("data", Required = true, HelpText = "The data folder (labels.csv and images_200.npy), e.g. ../shared/data/isic.")]
    public string Data { get; set; } = string.Empty;

    [Option("split", Default = "test", HelpText = "The split to report on.")]
    public string Split { get; set; } = "test";

    [Option("threshold-split", Default = "val", HelpText = "The split whose Youden's J chooses the decision threshold.")]
    public string ThresholdSplit { get; set; } = "val";

    [Option("threshold", HelpText = "Use this threshold on P(class 1) instead of choosing one.")]
    public double? Threshold { get; set; }

    [Option("protocol", Default = "plaintext", HelpText = "plaintext, or a secure protocol (securenn, pond): all parties in this process.")]
    public string Protocol { get; set; } = "plaintext";

    [Option("limit", HelpText = "Only the first N images of each split (quick checks).")]
    public int? Limit { get; set; }

    [Option("logits-file", HelpText = "Write the report split's logits here (.npy float32, N x classes).")]
    public string? LogitsFile { get; set; }

    [Option("resamples", Default = 2000, HelpText = "Bootstrap resamples for the 95% intervals.")]
    public int Resamples { get; set; } = 2000;
}
