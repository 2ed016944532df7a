using System.Diagnostics;
using Mpc.Party.Models;
using Mpc.Party.Shares;
using Mpc.Runtime;
using Mpc.Runtime.Net;

namespace Mpc.Party.Sessions;

/// <summary>
/// The single-process <c>predict</c> mode: server0, server1 and the helper on their own threads and
/// the client on the calling thread, connected over loopback TCP (TLS 1.3 with throw-away in-memory
/// certificates), running exactly the code of the <c>party</c> and <c>client</c> commands. The
/// model owner's shares are in-memory share files.
/// </summary>
internal static class LocalDeployment
{
    private static readonly PartyRole[] ComputingRoles = [PartyRole.Server0, PartyRole.Server1, PartyRole.Helper];

    public static IReadOnlyList<IterationResult> Run(
        CompiledModel model, (Stream Server0, Stream Server1) shares, IReadOnlyList<ulong[]> inputs, ClientOptions client, MeshSecurity security, PartyOptions server0Options)
    {
        var description = model.Description;
        var links = Mesh.ConnectLoopback(PartyRoleExtensions.All, security, lanes: 2);
        var failures = new List<(long At, PartyRole Role, Exception Error)>();
        void Fail(PartyRole role, Exception e)
        {
            lock (failures)
            {
                failures.Add((Stopwatch.GetTimestamp(), role, e));
            }

            // Closing this party's links makes the others fail fast instead of waiting for a timeout.
            links[role].Dispose();
        }

        var threads = ComputingRoles.Select(role => new Thread(() =>
        {
            try
            {
                var stream = role == PartyRole.Server0 ? shares.Server0 : shares.Server1;
                using var reader = role == PartyRole.Helper ? null : ShareFileReader.Open(stream, $"{role.ToName()}'s share (in memory)", role, description);
                var options = role == PartyRole.Server0 ? server0Options : new PartyOptions();
                ComputingParty.Run(role, model, links[role], reader, options with { KeepAliveInterval = Commands.PartyCommand.KeepAlive(new TcpChannelOptions().Timeout) });
            }
            catch (Exception e)
            {
                Fail(role, e);
            }
        })
        { IsBackground = true, Name = "mpc " + role.ToName() }).ToList();
        threads.ForEach(t => t.Start());

        IReadOnlyList<IterationResult>? results = null;
        try
        {
            results = ClientSession.Run(description, links[PartyRole.Client], inputs, client);
        }
        catch (Exception e)
        {
            Fail(PartyRole.Client, e);
        }

        threads.ForEach(t => t.Join());
        foreach (var party in links.Values)
        {
            party.Dispose();
        }

        if (failures.Count == 0)
        {
            return results!;
        }

        throw RootCause(failures);
    }

    /// <summary>
    /// The failure to report: the earliest one that is a party's own (not a link closing because a
    /// peer stopped); else the client's, which already carries the servers' reasons.
    /// </summary>
    private static Exception RootCause(List<(long At, PartyRole Role, Exception Error)> failures)
    {
        var own = failures.Where(f => f.Error is not (ChannelException or SessionAbortedException or SessionFailedException)).OrderBy(f => f.At).FirstOrDefault();
        var (_, role, error) = own.Error is not null ? own : failures.FirstOrDefault(f => f.Role == PartyRole.Client) is { Error: not null } c ? c : failures.OrderBy(f => f.At).First();
        if (role == PartyRole.Client || error is not MpcException mpc)
        {
            return error;
        }

        return new SessionFailedException($"{role.ToName()}: {mpc.Message}", mpc.ExitCode, mpc);
    }
}
