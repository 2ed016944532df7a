using System.Globalization;
using Mpc.Party.Tests.Support;
using Mpc.Runtime.Net;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>
/// The deployment commands (party, client, share-model, make-certs) with each role on its own
/// thread of this process over loopback TLS, as they run on separate hosts; the session protocol's
/// agreements and refusals.
/// </summary>
public sealed class DeploymentTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void PartyAndClientComputeThePlaintextResult()
    {
        var (config, model, input) = Deployment.Prepare(_folder, averagePool: false, images: 2);
        var results = InProcess.RunTogether(InProcess.MaxModel, Timeout,
            ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"]],
            ["party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"]],
            ["party", "--role", "helper", "--config", config],
            ["client", "--input-file", input, "--config", config, "--iterations", "2", "--preprocessing", "ahead", "--output-file", _folder["logits.npy"]]);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));

        Plaintext.AssertMatches(model, input, _folder["logits.npy"]);

        var client = results[3];
        Assert.Contains("securenn (preprocessing ahead), servers at 127.0.0.1:", client.Out, StringComparison.Ordinal);
        Assert.Contains("image  class  probabilities", client.Out, StringComparison.Ordinal);
        Assert.Equal(["client: iteration 1/2 done in", "client: iteration 2/2 done in"], client.ErrorLines.Select(l => l[..l.IndexOf(" in ", StringComparison.Ordinal)] + " in"));
        Assert.Equal(
            ["server0: waiting for server1, helper and client", "server0: connected to server1, helper and client", "server0: model 'example-max' loaded in",
             "server0: request 1: 2 predictions under securenn, preprocessing ahead", "server0: request 2: 2 predictions under securenn, preprocessing ahead", "server0: the client is done"],
            results[0].ErrorLines.Select(l => l.Contains(" loaded in ", StringComparison.Ordinal) ? l[..(l.IndexOf(" in ", StringComparison.Ordinal) + 3)] : l));
        Assert.Contains("helper: request 2: 2 predictions under securenn, preprocessing ahead", results[2].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConcurrentPreprocessingComputesTheSameResultAndTheLayerReportAccountsForEveryByte()
    {
        var (config, model, input) = Deployment.Prepare(_folder, averagePool: false, images: 2);
        var results = InProcess.RunTogether(InProcess.MaxModel, Timeout,
            ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"], "--preprocessing-buffer", "1", "--layer-report", _folder["server0.tsv"], "--quiet"],
            ["party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"], "--preprocessing-buffer", "1", "--layer-report", _folder["server1.tsv"], "--quiet"],
            ["party", "--role", "helper", "--config", config, "--layer-report", _folder["helper.tsv"], "--quiet"],
            ["client", "--input-file", input, "--config", config, "--preprocessing", "concurrent", "--iterations", "2", "--output-file", _folder["logits.npy"]]);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Plaintext.AssertMatches(model, input, _folder["logits.npy"]);
        Assert.Contains("securenn, servers at", results[3].Out, StringComparison.Ordinal);

        var offlineTraffic = new Dictionary<string, (long Sent, long Received)>();
        foreach (var party in new[] { "server0", "server1", "helper" })
        {
            var lines = File.ReadAllLines(_folder[$"{party}.tsv"]);
            Assert.StartsWith($"# {party} layer report", lines[0], StringComparison.Ordinal);
            Assert.Equal(Output.LayerReport.Header, lines[1]);
            var rows = lines[2..].Select(l => l.Split('\t')).ToList();
            Assert.All(rows, r => Assert.Equal(10, r.Length));
            foreach (var request in new[] { "1", "2" })
            {
                foreach (var phase in new[] { "Offline", "Online" })
                {
                    var ofPhase = rows.Where(r => r[0] == request && r[1] == phase).ToList();
                    var total = Assert.Single(ofPhase, r => r[2] == "*");
                    var perLayer = ofPhase.Where(r => r[2] != "*" && r[3] == "*").ToList();
                    var perOperation = ofPhase.Where(r => r[2] != "*" && r[3] != "*").ToList();
                    foreach (var column in new[] { 7, 8, 9 })
                    {
                        // Every byte and round of the phase belongs to a layer, and every layer's to its operations.
                        Assert.Equal(long.Parse(total[column], CultureInfo.InvariantCulture), perLayer.Sum(r => long.Parse(r[column], CultureInfo.InvariantCulture)));
                        Assert.Equal(perLayer.Sum(r => long.Parse(r[column], CultureInfo.InvariantCulture)), perOperation.Sum(r => long.Parse(r[column], CultureInfo.InvariantCulture)));
                    }

                    Assert.Equal("2", total[4]);
                    Assert.True(double.Parse(total[5], CultureInfo.InvariantCulture) > 0, string.Join(' ', total));
                }

                var offline = rows.Single(r => r[0] == request && r[1] == "Offline" && r[2] == "*");
                offlineTraffic[party + request] = (long.Parse(offline[7], CultureInfo.InvariantCulture), long.Parse(offline[8], CultureInfo.InvariantCulture));
                Assert.Contains(rows, r => r[0] == request && r[1] == "Process" && r[3] == "user");
            }

            // The online phase of the servers is timed per layer of the compiled model.
            if (party == "server0")
            {
                var timed = rows.Where(r => r[0] == "1" && r[1] == "Online" && r[2] != "*" && r[3] == "*" && r[5] != "-").Select(r => r[2]).ToList();
                Assert.True(timed.Count >= 4 && timed.Distinct().Count() == timed.Count, string.Join(", ", timed));
            }
        }

        // The helper deals: what it sends offline is what the servers receive, and it receives nothing.
        foreach (var request in new[] { "1", "2" })
        {
            Assert.True(offlineTraffic["helper" + request].Sent > 0);
            Assert.Equal(0, offlineTraffic["helper" + request].Received);
            Assert.Equal(offlineTraffic["helper" + request].Sent, offlineTraffic["server0" + request].Received + offlineTraffic["server1" + request].Received);
        }
    }

    [Fact]
    public void APinnedProtocolRefusesAnotherOneOnEveryParty()
    {
        var (config, _, input) = Deployment.Prepare(_folder, averagePool: true, images: 1);
        var results = InProcess.RunTogether(InProcess.AverageModel, Timeout,
            ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"], "--protocol", "securenn", "--quiet"],
            ["party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"], "--quiet"],
            ["party", "--role", "helper", "--config", config, "--quiet"],
            ["client", "--input-file", input, "--config", config, "--protocol", "pond", "--quiet"]);
        const string Reason = "server0 serves only securenn (party --protocol securenn), the client asked for pond";
        Assert.All(results, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Equal($"partyhost client: server0 refused the request: {Reason}", results[3].Error.Trim());
        Assert.Equal($"partyhost server0: refused the client's request: {Reason}", results[0].Error.Trim());
        Assert.Equal($"partyhost server1: refused the client's request: {Reason}", results[1].Error.Trim());
        Assert.Equal($"partyhost helper: the servers refused the client's request: {Reason}", results[2].Error.Trim());
    }

    [Fact]
    public void ShareFilesFromDifferentRunsAreRefused()
    {
        var (config, model, input) = Deployment.Prepare(_folder, averagePool: false, images: 1);
        Assert.Equal(0, InProcess.Run(InProcess.MaxModel, "share-model", "--model", model, "--out", _folder["other"]).ExitCode);
        var results = InProcess.RunTogether(InProcess.MaxModel, Timeout,
            ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"], "--quiet"],
            ["party", "--role", "server1", "--config", config, "--share-file", _folder["other/server1.share"], "--quiet"],
            ["party", "--role", "helper", "--config", config, "--quiet"],
            ["client", "--input-file", input, "--config", config, "--quiet"]);
        const string Reason = "the share files of server0 and server1 come from different share-model runs: give each server its file from the same run";
        Assert.Equal($"partyhost server0: {Reason}", results[0].Error.Trim());
        Assert.Equal($"partyhost server1: {Reason}", results[1].Error.Trim());
        Assert.Contains($"server0 stopped the session: {Reason}", results[3].Error, StringComparison.Ordinal);
        Assert.All(results[..2].Append(results[3]), r => Assert.Equal(2, r.ExitCode));
        Assert.NotEqual(0, results[2].ExitCode);
    }

    [Fact]
    public void PartiesOfDifferentCompiledModelsRefuseEachOther()
    {
        var (config, _, input) = Deployment.Prepare(_folder, averagePool: false, images: 1);
        var results = InProcess.RunTogether(Timeout,
            (InProcess.MaxModel, ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"], "--quiet"]),
            (InProcess.MaxModel, ["party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"], "--quiet"]),
            (InProcess.AverageModel, ["party", "--role", "helper", "--config", config, "--quiet"]),
            (InProcess.MaxModel, ["client", "--input-file", input, "--config", config, "--quiet"]));
        Assert.All(results, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Equal(
            "partyhost server0: helper runs model 'example-avg' (fingerprint 24e8fa52e43f32ba..., batch size 1), this party 'example-max' (fingerprint 2cd513e71e86e8b3..., batch size 1): every party must run the same compiled program",
            results[0].Error.Trim());
        Assert.StartsWith("partyhost helper: server0 runs model 'example-max'", results[2].Error, StringComparison.Ordinal);
        Assert.StartsWith("partyhost client: server0 stopped the session: helper runs model 'example-avg'", results[3].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalMistakesAreReportedBeforeConnecting()
    {
        var (config, _, input) = Deployment.Prepare(_folder, averagePool: false, images: 1);
        string[] Party(params string[] more) => ["party", "--config", config, .. more];

        var wrongRole = InProcess.Run(InProcess.MaxModel, Party("--role", "server0", "--share-file", _folder["shares/server1.share"]));
        Assert.Equal((2, $"partyhost server0: '{_folder["shares/server1.share"]}' is server1's share of the model, but this party is server0 (--role)"), (wrongRole.ExitCode, wrongRole.Error.Trim()));

        var helperShares = InProcess.Run(InProcess.MaxModel, Party("--role", "helper", "--share-file", _folder["shares/server1.share"]));
        Assert.Equal((2, "partyhost helper: --share-file: the helper holds no shares of the model; start it without --share-file"), (helperShares.ExitCode, helperShares.Error.Trim()));

        var noShares = InProcess.Run(InProcess.MaxModel, Party("--role", "server1"));
        Assert.Equal((2, "partyhost server1: --share-file is required for server1 (share-model writes server1.share)"), (noShares.ExitCode, noShares.Error.Trim()));

        var pond = InProcess.Run(InProcess.MaxModel, Party("--role", "helper", "--protocol", "pond"));
        Assert.Equal(2, pond.ExitCode);
        Assert.Contains("--protocol pond: model 'example-max' runs only under securenn", pond.Error, StringComparison.Ordinal);

        File.WriteAllText(_folder["bad.json"], File.ReadAllText(config).Replace("\"port\": ", "\"port\": 7000", StringComparison.Ordinal));
        var badPort = InProcess.Run(InProcess.MaxModel, "client", "--input-file", input, "--config", _folder["bad.json"]);
        Assert.Equal(2, badPort.ExitCode);
        Assert.Matches(@"^partyhost client: .*bad\.json: parties\.server0\.port: 7000\d+ is not a TCP port \(1-65535\)$", badPort.Error.Trim());

        File.WriteAllText(_folder["noclient.json"], "{ \"security\": \"insecure-plain-tcp\", \"parties\": { \"server0\": { \"host\": \"127.0.0.1\", \"port\": 1 }, \"server1\": { \"host\": \"127.0.0.1\", \"port\": 2 }, \"helper\": {} } }");
        var noClient = InProcess.Run(InProcess.MaxModel, "party", "--role", "helper", "--config", _folder["noclient.json"]);
        Assert.Equal(2, noClient.ExitCode);
        Assert.EndsWith("noclient.json: parties.client: missing: the servers serve the client listed there", noClient.Error.Trim(), StringComparison.Ordinal);

        var missing = InProcess.Run(InProcess.MaxModel, "client", "--input-file", input, "--config", _folder["none.json"]);
        Assert.Equal((2, $"partyhost client: the parties config '{_folder["none.json"]}' does not exist"), (missing.ExitCode, missing.Error.Trim()));
    }

    [Fact]
    public void MakeCertsWritesALoadableDeployment()
    {
        var result = InProcess.Run(InProcess.MaxModel, "make-certs", "--out", _folder["deploy"], "--server1", "10.0.0.2:6000");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("wrote " + _folder["deploy/helper.key"] + " (secret, owner-only)", result.Out, StringComparison.Ordinal);
        var config = PartiesConfig.Load(_folder["deploy/parties.json"]);
        Assert.Equal(new PartyEndpoint("127.0.0.1", 5000), config.Parties[PartyRole.Server0].Endpoint);
        Assert.Equal(new PartyEndpoint("10.0.0.2", 6000), config.Parties[PartyRole.Server1].Endpoint);
        foreach (var role in PartyRoleExtensions.All)
        {
            using var credentials = config.ToMeshSettings(role).Credentials;
            Assert.Equal(role.ToName(), credentials!.Name);
        }

        var again = InProcess.Run(InProcess.MaxModel, "make-certs", "--out", _folder["deploy"]);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(2, InProcess.Run(InProcess.MaxModel, "make-certs", "--out", _folder["x"], "--server0", "localhost").ExitCode);
    }

    [Fact]
    public void InfoDescribesTheCompiledModel()
    {
        var result = InProcess.Run(InProcess.MaxModel, "info");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("fingerprint 2cd513e71e86e8b3bb11db04e150d61d5ce7d3ccec1082b85ec5527c9eb746d9", result.Out, StringComparison.Ordinal);
        Assert.Contains("input 'input' [1,8,8,2], 12 fractional bits", result.Out, StringComparison.Ordinal);
        Assert.Contains("protocols securenn", result.Out, StringComparison.Ordinal);
        Assert.Contains("conv0/Conv2D/bias", result.Out, StringComparison.Ordinal);
        Assert.Contains("pool0", result.Out, StringComparison.Ordinal);
    }
}
