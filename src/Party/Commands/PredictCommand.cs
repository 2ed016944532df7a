using System.Diagnostics;
using Mpc.Party.CommandLine;
using Mpc.Party.Models;
using Mpc.Party.Output;
using Mpc.Party.Sessions;
using Mpc.Runtime;
using Mpc.Runtime.IO;
using Mpc.Runtime.Net;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>predict</c>: TF Encrypted's private_predict. Every role in this process: the model owner
/// shares the .pb's weights, server0, server1 and the helper compute over loopback TCP with TLS,
/// the client shares the input and alone reconstructs the output.
/// </summary>
internal static class PredictCommand
{
    public static Verb Verb(CommandContext context) => new(
        "predict",
        "Run private predictions with every role in this process (loopback TCP + TLS 1.3).",
        [
            CommonOptions.Protocol("The secure protocol."),
            CommonOptions.Model(),
            CommonOptions.Sha256(),
            CommonOptions.CacheDirectory(),
            CommonOptions.InputFile(),
            CommonOptions.BatchSize(context.Description),
            CommonOptions.Iterations(),
            CommonOptions.Preprocessing(),
            OptionSpec.Flag("plaintext", "Run only the plaintext (float32) model: no parties, no secrets."),
            OptionSpec.Flag("check", "Also run the plaintext model and print the largest logit difference."),
            CommonOptions.OutputFile(),
            OptionSpec.Flag("insecure-plain-tcp", "INSECURE: plain TCP without TLS between the parties (to measure what TLS costs)."),
            CommonOptions.Quiet(),
        ],
        arguments => Run(context, arguments));

    private static int Run(CommandContext context, ParsedArguments arguments)
    {
        var model = context.Description;
        var output = context.Console.Out;
        CommonOptions.CheckBatchSize(arguments, model);
        var plaintext = arguments.Flag("plaintext");
        if (plaintext && arguments.Flag("check"))
        {
            throw new MpcInputException("--check compares the secure run with the plaintext one; it cannot be combined with --plaintext");
        }

        var protocol = plaintext ? null : CommonOptions.CheckedProtocol(arguments, model);
        var iterations = (int)arguments.Integer("iterations");
        var outputFile = CommonOptions.CheckedOutputFile(arguments);
        var input = ModelInput.Load(arguments.RequiredText("input-file"), model);
        var displayName = arguments.RequiredText("model");
        var graph = ModelOwner.LoadGraph(CommonOptions.ResolveModel(arguments), displayName, model);

        float[] logits;
        if (plaintext)
        {
            var times = new List<double>();
            logits = [];
            for (var i = 0; i < iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                logits = PlaintextReference.Run(graph, model, input);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            ResultPrinter.Header(output, model, "plaintext (float32, no parties)", input, iterations);
            ResultPrinter.Predictions(output, model, logits);
            ResultPrinter.PlaintextLatency(output, times);
        }
        else
        {
            var inputs = CommonOptions.Encode(input, model);
            var shares = ModelOwner.ShareInMemory(graph, displayName, model);
            var security = arguments.Flag("insecure-plain-tcp") ? MeshSecurity.InsecurePlainTcp : MeshSecurity.Tls13;
            var (_, progress) = CommonOptions.Diagnostics(arguments, context.Console);
            var preprocessing = CommonOptions.CheckedPreprocessing(arguments);
            var results = LocalDeployment.Run(
                context.Model,
                (shares.Server0, shares.Server1),
                inputs,
                new ClientOptions(protocol!, iterations, Preprocessing: preprocessing),
                security,
                new PartyOptions { Progress = progress });
            logits = results[^1].Logits;

            var how = $"{protocol}{ClientCommand.Mode(preprocessing)}, 3 parties over loopback {ClientCommand.Describe(security)}";
            ResultPrinter.Header(output, model, how, input, iterations);
            ResultPrinter.Predictions(output, model, logits);
            ResultPrinter.Latency(output, results);
            ResultPrinter.Traffic(output, results);
            if (arguments.Flag("check"))
            {
                ResultPrinter.Check(output, model, logits, PlaintextReference.Run(graph, model, input));
            }
        }

        if (outputFile is not null)
        {
            Npy.Write(outputFile, [input.Images, model.OutputLengthPerImage], logits);
        }

        return 0;
    }
}
