using Mpc.Party.CommandLine;
using Mpc.Party.Models;
using Mpc.Party.Output;
using Mpc.Party.Sessions;
using Mpc.Runtime.IO;
using Mpc.Runtime.Net;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>client --input-file X.npy --config parties.json</c>: the input provider and output receiver
/// of a deployment. It shares the images with the two servers and alone sees the result.
/// </summary>
internal static class ClientCommand
{
    public static Verb Verb(CommandContext context) => new(
        "client",
        "Send images to a running deployment and receive the predictions (input provider and output receiver).",
        [
            CommonOptions.InputFile(),
            CommonOptions.Config(),
            CommonOptions.Protocol("The secure protocol the parties run."),
            CommonOptions.BatchSize(context.Description),
            CommonOptions.Iterations(),
            CommonOptions.Preprocessing(),
            CommonOptions.OutputFile(),
            CommonOptions.Quiet(),
        ],
        arguments => Run(context, arguments));

    private static int Run(CommandContext context, ParsedArguments arguments)
    {
        var model = context.Description;
        CommonOptions.CheckBatchSize(arguments, model);
        var protocol = CommonOptions.CheckedProtocol(arguments, model);
        var iterations = (int)arguments.Integer("iterations");
        var preprocessing = CommonOptions.CheckedPreprocessing(arguments);
        var outputFile = CommonOptions.CheckedOutputFile(arguments);
        var input = ModelInput.Load(arguments.RequiredText("input-file"), model);
        var inputs = CommonOptions.Encode(input, model);
        var settings = CommonOptions.MeshSettings(arguments, PartyRole.Client);
        using var credentials = settings.Credentials;
        var (log, _) = CommonOptions.Diagnostics(arguments, context.Console);

        IReadOnlyList<IterationResult> results;
        using (var links = Mesh.Connect(PartyRole.Client, settings))
        {
            results = ClientSession.Run(model, links, inputs, new ClientOptions(protocol, iterations, log, preprocessing));
        }

        var output = context.Console.Out;
        ResultPrinter.Header(output, model, $"{protocol}{Mode(preprocessing)}, servers at {Endpoint(settings, PartyRole.Server0)} and {Endpoint(settings, PartyRole.Server1)} over {Describe(settings.Security)}", input, iterations);
        ResultPrinter.Predictions(output, model, results[^1].Logits);
        ResultPrinter.Latency(output, results);
        ResultPrinter.Traffic(output, results);
        if (outputFile is not null)
        {
            Npy.Write(outputFile, [input.Images, model.OutputLengthPerImage], results[^1].Logits);
        }

        return 0;
    }

    /// <summary>The links' security as the output header names it.</summary>
    internal static string Describe(MeshSecurity security) => security == MeshSecurity.Tls13 ? "TLS 1.3" : "plain TCP (INSECURE)";

    /// <summary>
    /// Said in the header only for the ahead mode, whose total is the sum of the phases (in the default
    /// concurrent mode the phases overlap and the total is the end-to-end latency).
    /// </summary>
    internal static string Mode(Preprocessing preprocessing) => preprocessing == Preprocessing.Ahead ? " (preprocessing ahead)" : "";

    private static string Endpoint(MeshSettings settings, PartyRole role) =>
        settings.Endpoints.TryGetValue(role, out var endpoint) ? endpoint.ToString() : role.ToName();
}
