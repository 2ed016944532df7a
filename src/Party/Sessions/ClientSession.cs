using System.Diagnostics;
using Mpc.Party.Models;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Mpc.Runtime.Rings;

namespace Mpc.Party.Sessions;

/// <summary>What the client asks for.</summary>
/// <param name="Protocol">The protocol all three parties run.</param>
/// <param name="Iterations">How many times the whole input file is predicted (one request each).</param>
/// <param name="Log">One line per finished iteration; null when quiet.</param>
/// <param name="Preprocessing">How the computing parties run the offline phase (the request carries it).</param>
internal sealed record ClientOptions(string Protocol, int Iterations, TextWriter? Log = null, Preprocessing Preprocessing = Preprocessing.Ahead);

/// <summary>One pass over the input file.</summary>
/// <param name="Logits">The revealed logits of every image, in order (N x outputs per image).</param>
/// <param name="Milliseconds">The client's wall-clock time from the servers' go-ahead to the last reconstructed output.</param>
/// <param name="Reports">server0, helper and server1's traffic and time for this pass.</param>
/// <param name="ClientBytesSent">Input share bytes the client sent to both servers.</param>
/// <param name="ClientBytesReceived">Output share bytes the client received from both servers.</param>
internal sealed record IterationResult(float[] Logits, double Milliseconds, IReadOnlyList<PartyReport> Reports, long ClientBytesSent, long ClientBytesReceived);

/// <summary>
/// The client's side of a session: input provider and output receiver. Per iteration it sends a
/// request to both servers, waits for their joint verdict, shares every prediction's input,
/// reconstructs every output (only the client ever sees it) and reads the parties' reports; then
/// "done". A server that stops the session says why; the client reports both servers' reasons.
/// </summary>
internal static class ClientSession
{
    /// <param name="inputs">Every prediction's input, already encoded in fixed point.</param>
    public static IReadOnlyList<IterationResult> Run(ModelDescription model, PartyLinks links, IReadOnlyList<ulong[]> inputs, ClientOptions options)
    {
        var server0 = new SessionChannel(links[PartyRole.Server0]);
        var server1 = new SessionChannel(links[PartyRole.Server1]);
        try
        {
            var results = new List<IterationResult>();
            for (var iteration = 1; iteration <= options.Iterations; iteration++)
            {
                results.Add(Iterate(model, server0, server1, inputs, options));
                options.Log?.WriteLine($"client: iteration {iteration}/{options.Iterations} done in {results[^1].Milliseconds:F1} ms");
            }

            server0.SendMessage(new Done());
            server1.SendMessage(new Done());
            return results;
        }
        catch (MpcException e) when (e is SessionAbortedException or ChannelException)
        {
            throw Explain(e, server0, server1);
        }
        catch (Exception e)
        {
            var reason = e is MpcException ? e.Message : $"internal error ({e.GetType().Name})";
            server0.TrySendAbort(e is MpcException m ? m.ExitCode : 1, reason);
            server1.TrySendAbort(e is MpcException n ? n.ExitCode : 1, reason);
            throw;
        }
    }

    private static IterationResult Iterate(ModelDescription model, SessionChannel server0, SessionChannel server1, IReadOnlyList<ulong[]> inputs, ClientOptions options)
    {
        var request = new RunRequest(model.Name, model.Fingerprint, model.BatchSize, options.Protocol, inputs.Count, options.Preprocessing);
        server0.SendMessage(request);
        server1.SendMessage(request);
        ExpectAccepted(server0);
        ExpectAccepted(server1);

        // The servers start right after their verdict; the first verdict also waits for their model load.
        var started = Stopwatch.GetTimestamp();

        var sent = server0.DataBytesSent + server1.DataBytesSent;
        var received = server0.DataBytesReceived + server1.DataBytesReceived;
        foreach (var input in inputs)
        {
            // Sends never block: every input is on its way before the first output comes back.
            ClientSharing.Share(input, server0, server1);
        }

        var logits = new float[inputs.Count * model.OutputLength];
        var output = new ulong[model.OutputLength];
        for (var k = 0; k < inputs.Count; k++)
        {
            ClientSharing.Reconstruct(server0, server1, output);
            FixedPoint.Decode<ulong>(output, model.OutputFracBits, logits.AsSpan(k * model.OutputLength, model.OutputLength));
        }

        Array.Clear(output);
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var reports = server0.ReceiveMessage<Reports>().Items.Concat(server1.ReceiveMessage<Reports>().Items).ToList();
        return new IterationResult(
            logits,
            milliseconds,
            reports,
            server0.DataBytesSent + server1.DataBytesSent - sent,
            server0.DataBytesReceived + server1.DataBytesReceived - received);
    }

    private static void ExpectAccepted(SessionChannel server)
    {
        var verdict = server.ReceiveMessage<Verdict>();
        if (!verdict.Accepted)
        {
            throw new MpcInputException($"{server.PeerName} refused the request: {verdict.Reason}");
        }
    }

    /// <summary>
    /// One server stopped or vanished: read the other server's reason too (it may name the party
    /// that really failed, e.g. the helper) and report both, with the first stop's exit code.
    /// </summary>
    private static MpcException Explain(MpcException first, SessionChannel server0, SessionChannel server1)
    {
        var peer = first is SessionAbortedException a ? a.Peer : ((ChannelException)first).Peer;
        var other = peer == server0.PeerName ? server1 : server0;
        var second = other.DrainToAbort();
        var exitCode = first is SessionAbortedException ? first.ExitCode : second?.ExitCode ?? 1;
        var message = second is null || second.Message == first.Message ? first.Message : $"{first.Message}; {second.Message}";
        return new SessionFailedException(message, exitCode, first);
    }
}

/// <summary>The session failed on a server (the message holds every reason the client heard).</summary>
internal sealed class SessionFailedException(string message, int exitCode, Exception inner) : MpcException(message, inner)
{
    public override int ExitCode => exitCode;
}
