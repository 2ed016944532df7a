using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>The example network under both protocols and execution modes, against the float plaintext.</summary>
public sealed class ExampleNetworkTests
{
    // Fixed point with f = 12: inputs, weights and every truncation contribute ~2^-12; the logits sum 64 products.
    private const double Tolerance = 0.005;

    private static readonly PlainExample Model = PlainExample.Random(42);
    private static readonly double[][] Inputs = [PlainExample.RandomInput(1), PlainExample.RandomInput(2)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SecureNNMatchesTheFloatModel(bool averagePool)
    {
        var result = ExampleRun.Run(SecureNN.ProtocolName, Model, averagePool, Inputs);
        AssertClose(Inputs.Select(x => Model.Forward(x, averagePool, v => Math.Max(v, 0))), result.Logits);
    }

    [Fact]
    public void PondMatchesTheFloatModelWithItsPolynomialRelu()
    {
        var result = ExampleRun.Run(Pond.ProtocolName, Model, averagePool: true, Inputs);
        AssertClose(Inputs.Select(x => Model.Forward(x, true, PondPolynomials.Relu.Evaluate)), result.Logits);
    }

    [Fact]
    public void PondRefusesTheMaxPoolVariant()
    {
        var e = Assert.Throws<MpcInputException>(() => ExampleRun.Run(Pond.ProtocolName, Model, averagePool: false, Inputs[..1]));
        Assert.Contains("max pooling is not supported by the pond protocol", e.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PreprocessingGivesTheSameResultAndSeparatesThePhases(bool concurrent)
    {
        var inline = ExampleRun.Run(SecureNN.ProtocolName, Model, false, Inputs);
        // A small buffer makes the concurrent producer block and wait for the online phase to consume.
        var preprocessed = ExampleRun.Run(SecureNN.ProtocolName, Model, false, Inputs, bufferBytes: concurrent ? 64 * 1024 : long.MaxValue, concurrent: concurrent);
        AssertClose(Inputs.Select(x => Model.Forward(x, false, v => Math.Max(v, 0))), preprocessed.Logits);

        for (var party = 0; party < 3; party++)
        {
            var online = preprocessed.Online[party];
            var offline = preprocessed.Offline![party];
            Assert.Equal(0, online.Total(Phase.Offline).BytesSent + online.Total(Phase.Offline).BytesReceived);
            Assert.Equal(0, offline.Sum(k => k.Phase != Phase.Offline).BytesSent);
            Assert.Equal(inline.Online[party].Total(Phase.Offline).BytesSent, offline.Total(Phase.Offline).BytesSent);
            Assert.Equal(inline.Online[party].Total(Phase.Online).BytesSent, online.Total(Phase.Online).BytesSent);
            Assert.Equal(inline.Online[party].Total(Phase.Online).Rounds, online.Total(Phase.Online).Rounds);
            Assert.Equal(inline.Online[party].Total(Phase.ModelLoad).BytesSent, online.Total(Phase.ModelLoad).BytesSent);
        }

        if (concurrent)
        {
            // Bounded: never more than the capacity plus one record (the largest single operation's material).
            Assert.All(preprocessed.PeakBufferBytes, peak => Assert.InRange(peak, 1, (64 * 1024) + 600_000));
        }
    }

    [Fact]
    public void PreprocessingOverLoopbackTlsRunsConcurrentlyOnTheOfflineLane()
    {
        var inline = ExampleRun.Run(SecureNN.ProtocolName, Model, false, Inputs);
        IReadOnlyDictionary<PartyRole, PartyLinks>? mesh = null;
        try
        {
            var preprocessed = ExampleRun.Run(SecureNN.ProtocolName, Model, false, Inputs, bufferBytes: 64 * 1024, concurrent: true, connect: _ =>
            {
                mesh = Mesh.ConnectLoopback([PartyRole.Server0, PartyRole.Server1, PartyRole.Helper], MeshSecurity.Tls13,
                    new TcpChannelOptions { Timeout = TimeSpan.FromSeconds(60) }, TimeSpan.FromSeconds(30), lanes: 2);
                Assert.All(mesh.Values, links => Assert.True(links.Channels.Values.All(c => ((TcpChannel)c).IsEncrypted)));
                return InMemoryParties.Establish(mesh);
            });

            // The same logits as inline dealing (up to the fixed-point rounding, which depends on the randomness) and as the float model.
            AssertClose(Inputs.Select(x => Model.Forward(x, false, v => Math.Max(v, 0))), preprocessed.Logits);
            AssertClose(inline.Logits, preprocessed.Logits);
            for (var party = 0; party < 3; party++)
            {
                var online = preprocessed.Online[party];
                var offline = preprocessed.Offline![party];
                Assert.Equal(0, online.Total(Phase.Offline).BytesSent + online.Total(Phase.Offline).BytesReceived);
                Assert.Equal(inline.Online[party].Total(Phase.Offline).BytesSent, offline.Total(Phase.Offline).BytesSent);
                Assert.Equal(inline.Online[party].Total(Phase.Online).BytesSent, online.Total(Phase.Online).BytesSent);
                Assert.Equal(inline.Online[party].Total(Phase.Online).Rounds, online.Total(Phase.Online).Rounds);
            }

            // The offline traffic went over lane 1 and the online traffic over lane 0, each its own TLS connection.
            var helperToServer1 = mesh![PartyRole.Helper];
            Assert.Equal(preprocessed.Offline![2].Total(Phase.Offline).BytesSent, helperToServer1.Lane(PartyLinks.OfflineLane).Values.Sum(c => c.Stats.BytesSent));
            Assert.Equal(preprocessed.Online[2].Sum().BytesSent, helperToServer1.Channels.Values.Sum(c => c.Stats.BytesSent));
        }
        finally
        {
            if (mesh is not null)
            {
                foreach (var links in mesh.Values)
                {
                    links.Dispose();
                }
            }
        }
    }

    [Fact]
    public void AnOnlinePhaseWithoutPreprocessingFailsClearly()
    {
        var e = Assert.Throws<MpcException>(() => ExampleRun.Run(SecureNN.ProtocolName, Model, false, Inputs[..1], bufferBytes: 1 << 20, concurrent: false, skipOffline: true));
        Assert.Contains("preprocessing buffer is empty", e.Message);
    }

    private static void AssertClose(IEnumerable<double[]> expected, double[][] actual)
    {
        var e = expected.ToArray();
        Assert.Equal(e.Length, actual.Length);
        for (var k = 0; k < e.Length; k++)
        {
            for (var j = 0; j < e[k].Length; j++)
            {
                Assert.True(Math.Abs(e[k][j] - actual[k][j]) <= Tolerance, $"prediction {k}, logit {j}: {actual[k][j]} vs plaintext {e[k][j]}");
            }
        }
    }
}
