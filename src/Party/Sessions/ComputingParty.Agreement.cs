using Mpc.Party.Models;
using Mpc.Party.Shares;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Sessions;

/// <summary>How the computing parties agree on what they run: hellos, then each request.</summary>
internal static partial class ComputingParty
{
    /// <summary>
    /// Each computing party sends its hello to the other two and checks theirs: the same compiled
    /// model (name, fingerprint, batch size) everywhere, and on the servers share files from one
    /// share-model run. Every party sees every other's hello, so all of them refuse a mismatch.
    /// </summary>
    private static void ExchangeHellos(PartyRole role, ModelDescription model, PartyLinks links, ShareFileReader? shares)
    {
        var peers = PartyRoleExtensions.All.Where(r => r.IsComputingParty() && r != role).ToList();
        var mine = new PartyHello(role, model.Name, model.Fingerprint, model.BatchSize, shares?.Header.ShareSetId ?? new byte[ShareFile.ShareSetIdLength]);
        foreach (var peer in peers)
        {
            Messages.Send(links[peer], mine);
        }

        foreach (var peer in peers)
        {
            var hello = Messages.Receive<PartyHello>(links[peer]);
            if (hello.Role != peer)
            {
                throw new MpcInputException($"the party connected as {peer.ToName()} says it is {hello.Role}: check the roles in the parties config");
            }

            if (hello.Model != model.Name || hello.Fingerprint != model.Fingerprint || hello.BatchSize != model.BatchSize)
            {
                throw new MpcInputException(
                    $"{peer.ToName()} runs model '{hello.Model}' (fingerprint {ShareFileReader.Short(hello.Fingerprint)}, batch size {hello.BatchSize}), " +
                    $"this party '{model.Name}' (fingerprint {ShareFileReader.Short(model.Fingerprint)}, batch size {model.BatchSize}): every party must run the same compiled program");
            }

            if (role != PartyRole.Helper && peer != PartyRole.Helper && !hello.ShareSetId.AsSpan().SequenceEqual(mine.ShareSetId))
            {
                throw new MpcInputException("the share files of server0 and server1 come from different share-model runs: give each server its file from the same run");
            }
        }
    }

    /// <summary>
    /// The next request, agreed by all three parties; null when the client is done.
    /// </summary>
    /// <remarks>
    /// Servers: receive the client's message, check it (<see cref="Check"/>), send it and the local
    /// verdict to the other server and receive the other's. The joint verdict is server0's refusal,
    /// else server1's, else a refusal if the client sent the two servers different messages, else
    /// acceptance: both servers compute the same one. Server0 then forwards the request (or the
    /// refusal, or "done") to the helper, and each server answers the client with the verdict.
    /// </remarks>
    private static RunRequest? NextRequest(PartyRole role, ModelDescription model, PartyLinks links, SessionChannel? client, PartyOptions options)
    {
        if (role == PartyRole.Helper)
        {
            return Messages.Receive(links[PartyRole.Server0]) switch
            {
                RunRequest request => request,
                Done => null,
                Verdict { Accepted: false } refusal => throw new SessionRefusedException($"the servers refused the client's request: {refusal.Reason}"),
                var unexpected => throw new ChannelException("server0", $"server0 sent a {unexpected.GetType().Name} message where a request was expected (the parties disagree on the session step)"),
            };
        }

        var received = client!.ReceiveMessage();
        var local = received switch
        {
            RunRequest request => Check(role, request, model, options),
            Done => Verdict.Accept,
            _ => Verdict.Refuse($"the client sent a {received.GetType().Name} message where a request was expected"),
        };

        var encoded = received.Encode();
        var other = links[role == PartyRole.Server0 ? PartyRole.Server1 : PartyRole.Server0];
        Messages.SendBytes(other, encoded);
        Messages.Send(other, local);
        var otherEncoded = Messages.ReceiveBytes(other);
        var otherVerdict = Messages.Receive<Verdict>(other);

        var (verdict0, verdict1) = role == PartyRole.Server0 ? (local, otherVerdict) : (otherVerdict, local);
        var verdict = !verdict0.Accepted ? verdict0
            : !verdict1.Accepted ? verdict1
            : !encoded.AsSpan().SequenceEqual(otherEncoded) ? Verdict.Refuse("the client sent server0 and server1 different requests")
            : Verdict.Accept;

        if (role == PartyRole.Server0)
        {
            Messages.Send(links[PartyRole.Helper], verdict.Accepted ? received : verdict);
        }

        if (received is Done && verdict.Accepted)
        {
            return null;
        }

        client.SendMessage(verdict);
        return verdict.Accepted
            ? (RunRequest)received
            : throw new SessionRefusedException($"refused the client's request: {verdict.Reason}");
    }

    /// <summary>This server's verdict on a request: the same model, a protocol the model (and --protocol) allows, a sane count.</summary>
    private static Verdict Check(PartyRole role, RunRequest request, ModelDescription model, PartyOptions options)
    {
        if (request.Model != model.Name || request.Fingerprint != model.Fingerprint || request.BatchSize != model.BatchSize)
        {
            return Verdict.Refuse(
                $"the client runs model '{request.Model}' (fingerprint {ShareFileReader.Short(request.Fingerprint)}, batch size {request.BatchSize}), " +
                $"the servers '{model.Name}' (fingerprint {ShareFileReader.Short(model.Fingerprint)}, batch size {model.BatchSize})");
        }

        if (!model.Protocols.Contains(request.Protocol))
        {
            return Verdict.Refuse($"model '{model.Name}' cannot run under '{request.Protocol}' (it supports {string.Join(", ", model.Protocols)})");
        }

        if (options.OnlyProtocol is { } only && only != request.Protocol)
        {
            return Verdict.Refuse($"{role.ToName()} serves only {only} (party --protocol {only}), the client asked for {request.Protocol}");
        }

        if (request.Predictions is < 1 or > MaxPredictionsPerRequest)
        {
            return Verdict.Refuse($"{request.Predictions} predictions in one request (1 to {MaxPredictionsPerRequest})");
        }

        return Verdict.Accept;
    }
}
