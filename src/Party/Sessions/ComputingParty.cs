using System.Diagnostics;
using Mpc.Party.Models;
using Mpc.Party.Output;
using Mpc.Party.Shares;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Sessions;

/// <summary>How a computing party runs, beyond its links and its share file.</summary>
internal sealed record PartyOptions
{
    /// <summary><c>party --protocol</c>: refuse requests for any other protocol (null: any the model supports).</summary>
    public string? OnlyProtocol { get; init; }

    /// <summary>Lifecycle lines (connected, model loaded, each request, done); null when quiet.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Per-layer progress lines of the online phase; null for none.</summary>
    public TextWriter? Progress { get; init; }

    /// <summary>Starts every progress line (e.g. "server0: ").</summary>
    public string ProgressPrefix { get; init; } = "";

    /// <summary>How often a server tells the waiting client it is still at work; below the links' timeout.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>party --preprocessing-buffer</c>: how far, in bytes of this party's correlated randomness,
    /// the offline phase may run ahead of the online phase when the client asks for concurrent
    /// preprocessing (the ahead mode holds a whole prediction's).
    /// </summary>
    public long PreprocessingBufferBytes { get; init; } = DefaultPreprocessingBufferBytes;

    /// <summary><c>party --layer-report</c>: where to write the per-layer table when the client is done; null for none.</summary>
    public string? LayerReportPath { get; init; }

    /// <summary>256 MiB: enough to keep the helper a few layers ahead, small beside a whole prediction's material.</summary>
    public const long DefaultPreprocessingBufferBytes = 256L << 20;
}

/// <summary>
/// One computing party's side of a session (docs/PARTY.md): hello with the other computing
/// parties, seed exchange, one model load, then the client's requests until it says it is done.
/// Server0, server1 and the helper all run this; the single-process predict mode runs it on three
/// threads, <c>party</c> in one process per role.
/// </summary>
internal static partial class ComputingParty
{
    /// <summary>The most predictions one request may ask for.</summary>
    public const int MaxPredictionsPerRequest = 1_000_000;

    /// <param name="shares">The server's share file (null on the helper).</param>
    public static void Run(PartyRole role, CompiledModel model, PartyLinks links, ShareFileReader? shares, PartyOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(links);
        if (!role.IsComputingParty() || (role == PartyRole.Helper) != (shares is null))
        {
            throw new ArgumentException($"{role.ToName()}: servers load a share file, the helper none", nameof(shares));
        }

        SessionChannel? client = null;
        if (role != PartyRole.Helper)
        {
            client = links.Channels.TryGetValue(PartyRole.Client, out var channel)
                ? new SessionChannel(channel)
                : throw new MpcInputException($"{role.ToName()} has no link to the client: list the client under \"parties\" in the parties config");
        }

        using var keepAlive = client?.StartKeepAlive(options.KeepAliveInterval);
        try
        {
            Serve(role, model, links, shares, client, options);
        }
        catch (Exception e) when (client is not null && e is not SessionRefusedException)
        {
            // Tell the client why, so it does not just see "server0 closed the link". Messages never hold secrets.
            client.TrySendAbort(e is MpcException m ? m.ExitCode : 1, e is MpcException ? e.Message : $"internal error ({e.GetType().Name})");
            throw;
        }
    }

    private static void Serve(PartyRole role, CompiledModel model, PartyLinks links, ShareFileReader? shares, SessionChannel? client, PartyOptions options)
    {
        var description = model.Description;
        var id = (PartyId)(int)role;
        ExchangeHellos(role, description, links, shares);
        options.Log?.WriteLine($"{role.ToName()}: connected to {Names(links.Channels.Keys.Order())}");

        // Setup: the pairwise seeds. The offline context has its own lane of links (the mesh opens two
        // per pair of computing parties), so offline frames never interleave with online ones and each
        // context counts only its own traffic; preprocessing still runs before each online phase.
        var context = PartyContext.Establish(id, ProtocolLinks.From(links));
        var offlineContext = context.CreateOfflineContext(ProtocolLinks.Offline(links));
        var setup = Totals(context.Stats.Total(Phase.Setup), 0);

        var started = Stopwatch.GetTimestamp();
        var loaded = model.Load(Protocol.Create(description.Protocols[0], context), shares);
        shares?.EnsureFinished();
        var modelLoad = Totals(context.Stats.Total(Phase.ModelLoad), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        options.Log?.WriteLine($"{role.ToName()}: model '{description.Name}' loaded in {modelLoad.Milliseconds:F0} ms");

        var progress = options.Progress is null ? null : new ProgressObserver(options.Progress, options.ProgressPrefix, description.Layers.Length);
        var layers = options.LayerReportPath is null ? null : new LayerReport(role.ToName(), context.Stats, offlineContext.Stats);
        var run = new PredictionRun(loaded, links, context, offlineContext, client, progress, layers, options.PreprocessingBufferBytes);
        for (var number = 1; ; number++)
        {
            var request = NextRequest(role, description, links, client, options);
            if (request is null)
            {
                options.Log?.WriteLine($"{role.ToName()}: the client is done");
                if (layers is not null)
                {
                    layers.Write(options.LayerReportPath!);
                }

                return;
            }

            var mode = request.Preprocessing == Preprocessing.Ahead ? ", preprocessing ahead" : "";
            options.Log?.WriteLine($"{role.ToName()}: request {number}: {request.Predictions} prediction{(request.Predictions == 1 ? "" : "s")} under {request.Protocol}{mode}");
            layers?.BeginRequest();
            var (offline, online) = run.Predict(request, number);
            layers?.EndRequest(number, request.Predictions, offline.Milliseconds, online.Milliseconds);
            var report = new PartyReport(role, request.Predictions, setup, modelLoad, offline, online);
            switch (role)
            {
                case PartyRole.Helper:
                    Messages.Send(links[PartyRole.Server0], new Reports([report]));
                    break;
                case PartyRole.Server0:
                    var helper = Messages.Receive<Reports>(links[PartyRole.Helper]);
                    client!.SendMessage(new Reports([report, .. helper.Items]));
                    break;
                default:
                    client!.SendMessage(new Reports([report]));
                    break;
            }
        }
    }

    /// <summary>"a", "a and b", "a, b and c".</summary>
    internal static string Names(IEnumerable<PartyRole> roles)
    {
        var names = roles.Select(r => r.ToName()).ToList();
        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names[..^1]) + " and " + names[^1];
    }

    private static PhaseTotals Totals(StatsCounters c, double ms) => new(c.BytesSent, c.BytesReceived, c.Rounds, ms);
}

/// <summary>The servers refused the client's request (or the helper heard so): exit code 2, no abort notice.</summary>
internal sealed class SessionRefusedException(string message) : MpcInputException(message);
