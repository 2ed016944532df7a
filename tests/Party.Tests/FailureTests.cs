using Mpc.Party.Models;
using Mpc.Party.Tests.Support;
using Mpc.Runtime;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>A party that fails or stalls mid-run: every other party stops with the reason, none hangs.</summary>
public sealed class FailureTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AHelperThatFailsMidRunStopsPredictWithItsReason()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 2);
        var faulty = new FaultyModel(PartyId.Helper, failAtPrediction: 3, stall: TimeSpan.Zero);
        var result = InProcess.Run(faulty, "predict", "--model", model, "--input-file", input, "--iterations", "3", "--output-file", _folder["y.npy"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("partyhost predict: helper: the helper's disk caught fire", result.Error.Trim());
        Assert.Empty(result.Out);
        Assert.False(File.Exists(_folder["y.npy"]));
    }

    [Fact]
    public void AStalledPartyTimesOutAndTheOthersNameIt()
    {
        var (config, _, input) = Deployment.Prepare(_folder, averagePool: false, images: 1, timeoutSeconds: 2);
        var stalling = new FaultyModel(PartyId.Helper, failAtPrediction: 2, stall: TimeSpan.FromSeconds(5));
        var started = DateTime.UtcNow;
        var results = InProcess.RunTogether(stalling, TimeSpan.FromSeconds(60),
            ["party", "--role", "server0", "--config", config, "--share-file", _folder["shares/server0.share"], "--quiet"],
            ["party", "--role", "server1", "--config", config, "--share-file", _folder["shares/server1.share"], "--quiet"],
            ["party", "--role", "helper", "--config", config, "--quiet"],
            ["client", "--input-file", input, "--config", config, "--iterations", "5", "--quiet"]);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.NotEqual(0, r.ExitCode));
        var servers = results[0].Error + results[1].Error;
        Assert.Contains("helper sent nothing within 2 s", servers, StringComparison.Ordinal);
        Assert.Contains("helper sent nothing within 2 s", results[3].Error, StringComparison.Ordinal);
        Assert.All(results, r => Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal));
    }

    /// <summary>The example model, except that one party fails (or first stalls) at its n-th online prediction.</summary>
    private sealed class FaultyModel(PartyId culprit, int failAtPrediction, TimeSpan stall) : CompiledModel
    {
        public override ModelDescription Description => InProcess.MaxModel.Description;

        public override LoadedModel Load(Protocol protocol, IChannel? owner) => new Faulty(InProcess.MaxModel.Load(protocol, owner), culprit, failAtPrediction, stall);

        private sealed class Faulty(LoadedModel inner, PartyId culprit, int failAt, TimeSpan stall) : LoadedModel
        {
            private int _predictions;

            public override void Predict(Protocol protocol, IChannel? inputProvider, IChannel? outputReceiver, ILayerObserver? observer = null)
            {
                if (protocol.Role == culprit && protocol.Mode != ExecutionMode.Offline && ++_predictions == failAt)
                {
                    Thread.Sleep(stall);
                    throw new MpcException("the helper's disk caught fire");
                }

                inner.Predict(protocol, inputProvider, outputReceiver, observer);
            }
        }
    }
}
