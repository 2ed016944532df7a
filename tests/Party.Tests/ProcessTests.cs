using Mpc.Party.Tests.Support;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>
/// server0, server1 and the helper as three OS processes (PartyHost) talking TCP + TLS on loopback,
/// the client in this process: the deployment as it runs on separate hosts.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ThreeProcessesComputeConvReluMaxPoolDenseAndMatchThePlaintext()
    {
        var (config, model, input) = Deployment.Prepare(_folder, averagePool: false, images: 2);
        using var server0 = PartyProcess.Start("max", "party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"]);
        using var server1 = PartyProcess.Start("max", "party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"]);
        using var helper = PartyProcess.Start("max", "party", "--role", "helper", "--config", config);
        var client = InProcess.Run(InProcess.MaxModel, "client", "--input-file", input, "--config", config, "--output-file", _folder["logits.npy"]);
        Assert.True(client.ExitCode == 0, $"{client}\n{server0}\n{server1}\n{helper}");
        foreach (var party in new[] { server0, server1, helper })
        {
            Assert.True(party.WaitForExit(Timeout) == 0, party.ToString());
            Assert.Contains(": the client is done", party.Error, StringComparison.Ordinal);
            Assert.Empty(party.Output);
        }

        Plaintext.AssertMatches(model, input, _folder["logits.npy"]);
    }

    [Fact]
    public void KillingTheHelperMidRunStopsEveryPartyWithAnErrorNamingIt()
    {
        var (config, _, input) = Deployment.Prepare(_folder, averagePool: false, images: 1);
        File.WriteAllText(_folder["logits.npy"], "earlier results");
        using var server0 = PartyProcess.Start("max", "party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"]);
        using var server1 = PartyProcess.Start("max", "party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"]);
        using var helper = PartyProcess.Start("max", "party", "--role", "helper", "--config", config);
        RunResult? client = null;
        var clientThread = new Thread(() => client = InProcess.Run(InProcess.MaxModel, "client", "--input-file", input, "--config", config, "--iterations", "100000", "--output-file", _folder["logits.npy"]))
        {
            IsBackground = true,
        };
        clientThread.Start();

        Assert.True(helper.WaitForError("helper: request 3:", Timeout), helper.ToString());
        helper.Kill();

        // The parties' link timeout is 20 s; a vanished peer must be noticed well before it.
        Assert.True(clientThread.Join(TimeSpan.FromSeconds(15)), "the client is still running");
        Assert.True(client!.ExitCode == 1, client.ToString());
        Assert.Single(client.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("partyhost client: ", StringComparison.Ordinal));
        Assert.Contains("helper", client.Error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", client.Error, StringComparison.Ordinal);
        foreach (var server in new[] { server0, server1 })
        {
            Assert.Equal(1, server.WaitForExit(TimeSpan.FromSeconds(15)));
            var error = server.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
            Assert.Matches("^partyhost server[01]: .*(helper|server[01])", error);
            Assert.DoesNotContain("   at ", server.Error, StringComparison.Ordinal);
        }

        Assert.Equal("earlier results", File.ReadAllText(_folder["logits.npy"]));
    }
}
