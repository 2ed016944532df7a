using System.Globalization;
using Mpc.Compiler;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Party.Tests.Support;
using Mpc.PartyHost;
using Mpc.Runtime.IO;
using Mpc.Runtime.Protocols;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>
/// predict end to end in process: every role over loopback TLS, the revealed logits against the
/// plaintext, and the output block (probabilities, latency, traffic, check).
/// </summary>
public sealed class PredictTests : IDisposable
{
    // f = 12: inputs, weights and every truncation contribute ~2^-12; a logit sums 64 products.
    private const double Tolerance = 0.005;

    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SecureNNMatchesThePlaintextModel()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 3);
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--model", model, "--input-file", input, "--output-file", _folder["logits.npy"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        var secure = Npy.Read(_folder["logits.npy"]);
        Assert.Equal([3, 3], secure.Shape);
        var graph = ModelLoader.Load(model, 1);
        var images = Npy.Read(input).Data;
        for (var i = 0; i < 3; i++)
        {
            var image = images.AsSpan(i * 128, 128);
            var plain = PlaintextExecutor.Run(graph, Tensor.Create(Shape.Of(1, 8, 8, 2), image)).ToArray();
            var reference = ExampleReference.Forward(graph, image, averagePool: false, v => Math.Max(v, 0));
            for (var j = 0; j < 3; j++)
            {
                Assert.InRange(secure.Data[(i * 3) + j], plain[j] - Tolerance, plain[j] + Tolerance);
                Assert.InRange(reference[j], plain[j] - 1e-4, plain[j] + 1e-4);
            }
        }
    }

    [Fact]
    public void PondMatchesTheModelWithItsPolynomialRelu()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: true);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 2);
        var result = InProcess.Run(InProcess.AverageModel, "predict", "--protocol", "pond", "--model", model, "--input-file", input, "--output-file", _folder["logits.npy"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pond, 3 parties over loopback TLS 1.3", result.Out, StringComparison.Ordinal);

        var secure = Npy.Read(_folder["logits.npy"]).Data;
        var graph = ModelLoader.Load(model, 1);
        var images = Npy.Read(input).Data;
        for (var i = 0; i < 2; i++)
        {
            var expected = ExampleReference.Forward(graph, images.AsSpan(i * 128, 128), averagePool: true, PondPolynomials.Relu.Evaluate);
            for (var j = 0; j < 3; j++)
            {
                Assert.InRange(secure[(i * 3) + j], expected[j] - Tolerance, expected[j] + Tolerance);
            }
        }
    }

    [Fact]
    public void ABatchOfTwoRunsHalfAsManyPredictions()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 4);
        var result = InProcess.Run(new ExampleModel(averagePool: false, batchSize: 2), "predict", "--model", model, "--input-file", input, "--output-file", _folder["logits.npy"], "--check");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("4 images from", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 predictions per iteration", result.Out, StringComparison.Ordinal);
        Assert.Equal([4, 3], Npy.Read(_folder["logits.npy"]).Shape);
        Assert.True(CheckedDifference(result.Out) <= Tolerance, result.Out);
    }

    [Fact]
    public void TheOutputBlockShowsProbabilitiesLatencyTrafficAndTheCheck()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 2);
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--model", model, "--input-file", input, "--iterations", "3", "--check", "--output-file", _folder["logits.npy"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.Split('\n');

        // Probabilities: the receiver's softmax of the logits it wrote, and the class is the largest.
        var logits = Npy.Read(_folder["logits.npy"]).Data;
        var header = Array.FindIndex(lines, l => l.StartsWith("image  class  probabilities", StringComparison.Ordinal));
        for (var image = 0; image < 2; image++)
        {
            var fields = lines[header + 1 + image].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var probabilities = fields[2..].Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var row = logits.AsSpan(image * 3, 3).ToArray();
            var expected = row.Select(v => Math.Exp(v)).Select(e => e / row.Sum(v => Math.Exp(v))).ToArray();
            Assert.Equal(image.ToString(CultureInfo.InvariantCulture), fields[0]);
            Assert.Equal(Array.IndexOf(row, row.Max()).ToString(CultureInfo.InvariantCulture), fields[1]);
            Assert.InRange(probabilities.Sum(), 0.999, 1.001);
            for (var j = 0; j < 3; j++)
            {
                Assert.InRange(probabilities[j], expected[j] - 1e-4, expected[j] + 1e-4);
            }
        }

        // One latency row per iteration and the mean; traffic for every party; the check line.
        var latency = Array.FindIndex(lines, l => l.StartsWith("latency per iteration (ms)", StringComparison.Ordinal));
        Assert.Equal(["1", "2", "3", "mean"], lines[(latency + 1)..(latency + 5)].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        foreach (var party in new[] { "server0", "server1", "helper", "client" })
        {
            Assert.Contains(lines, l => l.TrimStart().StartsWith(party + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.StartsWith("model load (once): server0 2,112 B, server1 2,112 B, helper 0 B", StringComparison.Ordinal));
        Assert.True(CheckedDifference(result.Out) <= Tolerance, result.Out);
    }

    [Fact]
    public void TrafficAndRoundsMatchTheProtocolCostModel()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 1);
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--model", model, "--input-file", input);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Online, each server sends E of both linear layers (8 B per input element), and the
        // truncations, ReLUs and max pool; the client's input: 16 B of seed to server0, 8 B per value to server1.
        var client = result.Out.Split('\n').Single(l => l.TrimStart().StartsWith("client ", StringComparison.Ordinal));
        Assert.Equal(["client", "0", (16 + (8 * 128)).ToString("N0", CultureInfo.InvariantCulture)], client.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var server0 = result.Out.Split('\n').Single(l => l.TrimStart().StartsWith("server0 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var server1 = result.Out.Split('\n').Single(l => l.TrimStart().StartsWith("server1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(server0[1..], server1[1..]);
        Assert.Equal("0", server0[1]); // the servers send nothing offline: the helper deals
    }

    [Fact]
    public void PlaintextPrintsTheSameBlockFromTheFloatModel()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 2);
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--plaintext", "--model", model, "--input-file", input, "--iterations", "2", "--output-file", _folder["plain.npy"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("plaintext (float32, no parties)", result.Out, StringComparison.Ordinal);
        Assert.Contains("image  class  probabilities", result.Out, StringComparison.Ordinal);
        Assert.Contains("latency per iteration (ms)   plaintext", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes sent", result.Out, StringComparison.Ordinal);

        var graph = ModelLoader.Load(model, 1);
        var images = Npy.Read(input).Data;
        var expected = PlaintextExecutor.Run(graph, Tensor.Create(Shape.Of(1, 8, 8, 2), images.AsSpan(128, 128))).ToArray();
        Assert.Equal(expected, Npy.Read(_folder["plain.npy"]).Data[3..]);
    }

    [Fact]
    public void ProgressLinesGoToATerminalUnlessQuiet()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 2);
        string[] args = ["predict", "--model", model, "--input-file", input];

        var terminal = InProcess.Run(InProcess.MaxModel, terminal: true, args);
        Assert.True(terminal.ExitCode == 0, terminal.ToString());
        var progress = terminal.ErrorLines;
        Assert.Equal(8, progress.Length);
        Assert.StartsWith("iteration 1, prediction 1/2: layer 1/4 conv0 (Conv2D) ", progress[0], StringComparison.Ordinal);
        Assert.StartsWith("iteration 1, prediction 2/2: layer 4/4 dense1 (MatMul) ", progress[7], StringComparison.Ordinal);

        Assert.Empty(InProcess.Run(InProcess.MaxModel, terminal: true, [.. args, "--quiet"]).Error);
        Assert.Empty(InProcess.Run(InProcess.MaxModel, terminal: false, args).Error);
    }

    [Fact]
    public void TheModelCanComeFromAUrlCheckedBySha256()
    {
        var bytes = ExampleGraph.Write(averagePool: false);
        using var server = new OneFileServer(bytes);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 1);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--model", server.Url, "--sha256", sha, "--cache-dir", _folder["cache"], "--input-file", input, "--check");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(bytes, File.ReadAllBytes(_folder["cache/model.pb"]));
        Assert.True(CheckedDifference(result.Out) <= Tolerance, result.Out);
    }

    [Fact]
    public void PlainTcpIsAvailableForMeasuringTls()
    {
        var model = ExampleGraph.Save(_folder.Path, averagePool: false);
        var input = ExampleGraph.SaveInput(_folder.Path, images: 1);
        var result = InProcess.Run(InProcess.MaxModel, "predict", "--model", model, "--input-file", input, "--insecure-plain-tcp");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("over loopback plain TCP (INSECURE)", result.Out, StringComparison.Ordinal);
    }

    private static double CheckedDifference(string output)
    {
        var line = output.Split('\n').Single(l => l.StartsWith("check: max |secure - plaintext| logit difference ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[7], CultureInfo.InvariantCulture);
    }
}
