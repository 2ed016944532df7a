using Mpc.Party.CommandLine;
using Mpc.Party.Models;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>share-model --model M.pb --out DIR</c>: the model owner encodes and secret-shares the weights
/// once, writing one share file per server (owner-only). Each file alone is uniformly random.
/// </summary>
internal static class ShareModelCommand
{
    public static Verb Verb(CommandContext context) => new(
        "share-model",
        "Secret-share the model's weights into one share file per server (the model owner).",
        [
            CommonOptions.Model(),
            CommonOptions.Sha256(),
            CommonOptions.CacheDirectory(),
            OptionSpec.Text("out", "The folder for server0.share and server1.share (created if missing; existing files are never replaced).", required: true),
        ],
        arguments => Run(context, arguments));

    private static int Run(CommandContext context, ParsedArguments arguments)
    {
        var model = context.Description;
        var displayName = arguments.RequiredText("model");
        var graph = ModelOwner.LoadGraph(CommonOptions.ResolveModel(arguments), displayName, model);
        var paths = ModelOwner.WriteShareFiles(graph, displayName, model, arguments.RequiredText("out"));
        var output = context.Console.Out;
        output.WriteLine($"model {model.Name}: {model.Weights.Length} weight tensors, {model.Weights.Sum(w => (long)w.Length):N0} values, shared");
        foreach (var path in paths)
        {
            output.WriteLine($"  wrote {path} ({new FileInfo(path).Length:N0} bytes, owner-only)");
        }

        output.WriteLine("Copy each file to its server only: the two files together reveal the weights.");
        return 0;
    }
}
