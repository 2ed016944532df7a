using Mpc.Party.CommandLine;
using Mpc.Party.Models;
using Mpc.Party.Sessions;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Commands;

/// <summary>What every command sees: the program's name, the compiled model, the console.</summary>
internal sealed record CommandContext(string Program, CompiledModel Model, PartyConsole Console)
{
    public ModelDescription Description => Model.Description;
}

/// <summary>Options shared by several commands, and their checks (each error names its flag).</summary>
internal static class CommonOptions
{
    public static OptionSpec Protocol(string help) =>
        OptionSpec.Choice("protocol", help, [.. Mpc.Runtime.Protocols.Protocol.Names], SecureNN.ProtocolName);

    public static OptionSpec InputFile() =>
        OptionSpec.Text("input-file", "The images: a .npy of float32 or float64, shape (N, input shape without the batch), N a multiple of the batch size.", required: true);

    public static OptionSpec BatchSize(ModelDescription model) =>
        OptionSpec.Integer("batch-size", "Images per prediction; must be the batch size the binary was compiled for.", 1, int.MaxValue, model.BatchSize);

    public static OptionSpec Iterations() =>
        OptionSpec.Integer("iterations", "How many times to predict the whole input file (the model is loaded once).", 1, 100_000, 1);

    public static OptionSpec OutputFile() =>
        OptionSpec.Text("output-file", "Also write the logits of every image as a float32 .npy (N x outputs), atomically.");

    public static OptionSpec Quiet() => OptionSpec.Flag("quiet", "No progress or log lines on stderr (errors still go there).");

    public static OptionSpec Model() =>
        OptionSpec.Text("model", "The frozen TensorFlow model (.pb): a path, or an http(s) URL to download (capped at 1 GiB).", required: true);

    public static OptionSpec Sha256() =>
        OptionSpec.Text("sha256", "The model file's expected SHA-256 (64 hex digits); refused if it differs.");

    public static OptionSpec CacheDirectory() =>
        OptionSpec.Text("cache-dir", "Where a --model URL is downloaded to.", defaultValue: DefaultCacheDirectory());

    public static OptionSpec Config() =>
        OptionSpec.Text("config", "The parties config (parties.json: hosts, ports, certificates; see docs/DEPLOYMENT.md).", required: true);

    /// <summary>--batch-size must be the compiled one: the code's every shape depends on it.</summary>
    public static void CheckBatchSize(ParsedArguments arguments, ModelDescription model)
    {
        var batch = arguments.Integer("batch-size");
        if (batch != model.BatchSize)
        {
            throw new MpcInputException($"--batch-size {batch}: this binary is compiled for batch size {model.BatchSize} (mpcc compile --batch-size {batch} makes one for {batch})");
        }
    }

    /// <summary>The --protocol, if the compiled model can run under it.</summary>
    public static string CheckedProtocol(ParsedArguments arguments, ModelDescription model)
    {
        var protocol = arguments.RequiredText("protocol");
        if (!model.Protocols.Contains(protocol))
        {
            var why = model.WhyNot(protocol);
            throw new MpcInputException($"--protocol {protocol}: model '{model.Name}' runs only under {string.Join(", ", model.Protocols)}" + (why is null ? "" : $"; not {protocol}: {why}"));
        }

        return protocol;
    }

    public static OptionSpec Preprocessing() =>
        OptionSpec.Choice("preprocessing", "concurrent: the offline phase on its own thread and links, overlapping the online phase, at most the parties' --preprocessing-buffer ahead (end-to-end latency, bounded memory); ahead: each prediction's whole offline phase, then its online phase (the online latency alone; holds a whole prediction's correlated randomness).", ["concurrent", "ahead"], "concurrent");

    /// <summary>--preprocessing as the request carries it.</summary>
    public static Preprocessing CheckedPreprocessing(ParsedArguments arguments) =>
        arguments.RequiredText("preprocessing") == "concurrent" ? Sessions.Preprocessing.Concurrent : Sessions.Preprocessing.Ahead;

    /// <summary>An output file option (--output-file by default), checked before the run so that a typo does not waste it.</summary>
    public static string? CheckedOutputFile(ParsedArguments arguments, string option = "output-file")
    {
        var path = arguments.Text(option);
        if (path is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder))
        {
            throw new MpcInputException($"--{option} {path}: the folder '{folder}' does not exist");
        }

        if (Directory.Exists(path))
        {
            throw new MpcInputException($"--{option} {path}: is a folder");
        }

        return path;
    }

    /// <summary>Resolves --model (downloading a URL into the user's cache) and checks --sha256.</summary>
    public static string ResolveModel(ParsedArguments arguments) =>
        ModelSource.Resolve(arguments.RequiredText("model"), arguments.Text("sha256"), arguments.RequiredText("cache-dir"));

    /// <summary>Encodes every prediction's input, before any party connects (a bad value fails fast).</summary>
    public static IReadOnlyList<ulong[]> Encode(ModelInput input, ModelDescription model) =>
        [.. Enumerable.Range(0, input.Batches).Select(b => input.Encode(b, model.InputFracBits))];

    /// <summary>Lifecycle logs on stderr unless --quiet; progress lines also need a terminal.</summary>
    public static (TextWriter? Log, TextWriter? Progress) Diagnostics(ParsedArguments arguments, PartyConsole console)
    {
        if (arguments.Flag("quiet"))
        {
            return (null, null);
        }

        var error = TextWriter.Synchronized(console.Error);
        return (error, console.ErrorIsTerminal ? error : null);
    }

    /// <summary>The parties config as this role's mesh settings (errors name the file and field).</summary>
    public static MeshSettings MeshSettings(ParsedArguments arguments, PartyRole role)
    {
        var config = PartiesConfig.Load(arguments.RequiredText("config"));
        if (!config.Parties.ContainsKey(PartyRole.Client))
        {
            throw new MpcInputException($"{config.Source}: parties.client: missing: the servers serve the client listed there");
        }

        // Two lanes per pair of computing parties: the offline (preprocessing) context has its own links.
        return config.ToMeshSettings(role, lanes: 2);
    }

    /// <summary>Where downloaded models are kept: the user's local application data (or the temp folder).</summary>
    private static string DefaultCacheDirectory()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "mpc-party", "models");
    }
}
