using Mpc.Party.CommandLine;
using Mpc.Party.Sessions;
using Mpc.Party.Shares;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Commands;

/// <summary>
/// <c>party --role server0|server1|helper --config parties.json</c>: one computing party on its own
/// host. A server loads its share file once and serves the client's requests until it is done
/// (one client session per run).
/// </summary>
internal static class PartyCommand
{
    public static Verb Verb(CommandContext context) => new(
        "party",
        "Run one computing party (server0, server1 or the helper) of a deployment.",
        [
            OptionSpec.Choice("role", "Which party this process is.", ["server0", "server1", "helper"]) with { Required = true },
            CommonOptions.Config(),
            OptionSpec.Text("share-file", "server0 and server1: this server's share of the model, written by share-model."),
            OptionSpec.Choice("protocol", "Serve only requests for this protocol (default: any the model supports).", [.. Protocol.Names]),
            OptionSpec.Integer("preprocessing-buffer", "MiB of correlated randomness the offline phase may hold ahead of the online phase when the client asks for --preprocessing concurrent.", 1, 1 << 20, PartyOptions.DefaultPreprocessingBufferBytes >> 20),
            OptionSpec.Text("layer-report", "When the client is done, write this party's time, CPU, bytes and rounds per request, phase, layer and operation to this file (tab-separated; docs/PARTY.md)."),
            CommonOptions.Quiet(),
        ],
        arguments => Run(context, arguments));

    private static int Run(CommandContext context, ParsedArguments arguments)
    {
        var role = PartyRoleExtensions.ParseRole(arguments.RequiredText("role"))!.Value;
        var shareFile = arguments.Text("share-file");
        if (role == PartyRole.Helper && shareFile is not null)
        {
            throw new MpcInputException("--share-file: the helper holds no shares of the model; start it without --share-file");
        }

        if (role != PartyRole.Helper && shareFile is null)
        {
            throw new MpcInputException($"--share-file is required for {role.ToName()} (share-model writes {ShareFile.FileName(role)})");
        }

        var only = arguments.Text("protocol");
        var layerReport = CommonOptions.CheckedOutputFile(arguments, "layer-report");
        if (only is not null)
        {
            CommonOptions.CheckedProtocol(arguments, context.Description);
        }

        // Everything local is checked before connecting: the share file (whole, with its hash) and the config.
        using var shares = shareFile is null ? null : ShareFileReader.Open(shareFile, role, context.Description);
        var settings = CommonOptions.MeshSettings(arguments, role);
        using var credentials = settings.Credentials;
        var (log, progress) = CommonOptions.Diagnostics(arguments, context.Console);
        log?.WriteLine($"{role.ToName()}: waiting for {ComputingParty.Names(Mesh.PeersOf(role, settings.Roles))}");
        using var links = Mesh.Connect(role, settings);
        ComputingParty.Run(role, context.Model, links, shares, new PartyOptions
        {
            OnlyProtocol = only,
            Log = log,
            Progress = progress,
            ProgressPrefix = role.ToName() + ": ",
            KeepAliveInterval = KeepAlive(settings.Channel.Timeout),
            PreprocessingBufferBytes = arguments.Integer("preprocessing-buffer") << 20,
            LayerReportPath = layerReport,
        });
        return 0;
    }

    /// <summary>A quarter of the link timeout: the client hears from a busy server several times per timeout.</summary>
    internal static TimeSpan KeepAlive(TimeSpan timeout) => TimeSpan.FromMilliseconds(Math.Max(50, timeout.TotalMilliseconds / 4));
}
