using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Mpc.Party.Tests.Support;
using Mpc.PartyHost;
using Mpc.Runtime.IO;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>
/// Bad input gets one clear line naming the file, flag or field, exit code 2, no stack trace, and
/// nothing written.
/// </summary>
public sealed class ErrorTests : IDisposable
{
    private readonly TestFolder _folder = new();
    private readonly string _model;
    private readonly string _input;

    public ErrorTests()
    {
        _model = ExampleGraph.Save(_folder.Path, averagePool: false);
        _input = ExampleGraph.SaveInput(_folder.Path, images: 1);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AWrongShapeInputNamesTheFileAndTheExpectedShape()
    {
        var path = _folder["wrong.npy"];
        Npy.Write(path, [1, 8, 8, 3], new float[192]);
        AssertInputError(Predict("--input-file", path), $"{path}: --input-file has shape (1, 8, 8, 3), the model 'example-max' expects (N, 8, 8, 2) with N a multiple of the batch size 1");
    }

    [Fact]
    public void AnImageCountThatIsNotAMultipleOfTheBatchIsRefused()
    {
        var result = InProcess.Run(new ExampleModel(false, 2), "predict", "--model", _model, "--input-file", ExampleGraph.SaveInput(_folder.Path, 3, name: "three.npy"));
        AssertInputError(result, "--input-file holds 3 images, the model 'example-max-b2' expects (N, 8, 8, 2) with N a multiple of the batch size 2");
    }

    [Fact]
    public void ANonNpyInputNamesTheFile()
    {
        var path = _folder["text.npy"];
        File.WriteAllText(path, "not numpy at all");
        AssertInputError(Predict("--input-file", path), $"{path}: not a .npy file");
    }

    [Fact]
    public void AUint8InputIsRefused()
    {
        var path = _folder["bytes.npy"];
        Npy.Write(path, [1, 8, 8, 2], new float[128], NpyType.UInt8);
        AssertInputError(Predict("--input-file", path), "--input-file must hold float32 or float64 values, not uint8");
    }

    [Fact]
    public void AnInputValueOutOfRangeNamesItsIndexButNotItsValue()
    {
        var path = _folder["huge.npy"];
        var values = new float[128];
        values[77] = 3.25e18f;
        Npy.Write(path, [1, 8, 8, 2], values);
        var result = Predict("--input-file", path);
        AssertInputError(result, $"{path}: element 77 of --input-file is not finite or too large");
        Assert.DoesNotContain("3.25", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingModelNamesThePath()
    {
        var path = _folder["missing.pb"];
        AssertInputError(Predict("--model", path), $"model file '{path}' does not exist");
    }

    [Fact]
    public void AModelOfAnotherArchitectureIsRefused()
    {
        var other = ExampleGraph.Save(_folder.Path, averagePool: true);
        AssertInputError(Predict("--model", other), $"{other} is not the architecture this binary was compiled for: its fingerprint is 24e8fa52e43f32ba...");
    }

    [Fact]
    public void ABadSha256NamesBothHashes()
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_model)));
        AssertInputError(Predict("--sha256", new string('a', 64)), $"has SHA-256 {actual}, but --sha256 expects {new string('a', 64)}");
        AssertInputError(Predict("--sha256", "xyz"), "--sha256 expects 64 hexadecimal digits, got 'xyz'");
        Assert.Equal(0, Predict("--sha256", actual.ToUpperInvariant()).ExitCode);
    }

    [Fact]
    public void AnUnreachableUrlNamesTheUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}/model.pb";
        AssertInputError(Predict("--model", url), $"cannot download model {url}");
    }

    [Fact]
    public void ABatchSizeOtherThanTheCompiledOneNamesTheFlagAndTheCompiledValue() =>
        AssertInputError(Predict("--batch-size", "4"), "--batch-size 4: this binary is compiled for batch size 1");

    [Fact]
    public void PondCannotRunAMaxPoolModelAndSaysWhy()
    {
        var result = Predict("--protocol", "pond");
        AssertInputError(result, "--protocol pond: model 'example-max' runs only under securenn; not pond: max pooling ('pool0') needs a secure comparison, which Pond does not have");
    }

    [Fact]
    public void UsageErrorsNameTheVerbAndFlag()
    {
        AssertInputError(Predict("--iterations", "0"), "partyhost predict: --iterations expects an integer in [1, 100000], got '0'");
        AssertInputError(Predict("--protocol", "aby3"), "--protocol expects one of securenn, securenn-fast, pond, got 'aby3'");
        AssertInputError(Predict("--plaintext", "--check"), "--check compares the secure run with the plaintext one; it cannot be combined with --plaintext");
        AssertInputError(InProcess.Run(InProcess.MaxModel, "predict", "--input-file", _input), "missing required option --model");
        AssertInputError(InProcess.Run(InProcess.MaxModel, "frobnicate"), "unknown command 'frobnicate'");
    }

    [Fact]
    public void AMissingOutputFolderIsReportedBeforeTheRun()
    {
        var path = Path.Combine(_folder.Path, "no-such-folder", "y.npy");
        AssertInputError(Predict("--output-file", path), "--output-file");
    }

    [Fact]
    public void AFailedRunLeavesAnExistingOutputFileAlone()
    {
        var path = _folder["y.npy"];
        File.WriteAllText(path, "previous results");
        Assert.Equal(2, Predict("--output-file", path, "--batch-size", "2").ExitCode);
        Assert.Equal("previous results", File.ReadAllText(path));
    }

    [Fact]
    public void EveryVerbHasHelp()
    {
        foreach (var verb in new[] { "predict", "party", "client", "share-model", "make-certs", "info" })
        {
            var result = InProcess.Run(InProcess.MaxModel, verb, "--help");
            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith($"usage: partyhost {verb} [options]", result.Out, StringComparison.Ordinal);
        }

        var predict = InProcess.Run(InProcess.MaxModel, "predict", "--help").Out;
        foreach (var flag in new[] { "--protocol securenn|securenn-fast|pond", "--model PATH", "--sha256", "--input-file PATH", "--batch-size N", "--iterations N", "--plaintext", "--check", "--output-file PATH", "--quiet" })
        {
            Assert.Contains(flag, predict, StringComparison.Ordinal);
        }

        Assert.Contains("(default: 1)", predict, StringComparison.Ordinal);
        var program = InProcess.Run(InProcess.MaxModel, "--help");
        Assert.Equal(0, program.ExitCode);
        Assert.Contains("share-model", program.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInconsistentCompiledModelIsAnInternalErrorBeforeAnythingRuns()
    {
        var broken = new BrokenModel();
        var result = InProcess.Run(broken, "info");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("partyhost: internal error: the compiled model 'example-max' has an inconsistent description: input shape [2,8,8,2] for batch size 1", result.Error.Trim());
    }

    private RunResult Predict(params string[] overrides)
    {
        var args = new List<string> { "predict", "--model", _model, "--input-file", _input };
        for (var i = 0; i < overrides.Length; i++)
        {
            var at = args.IndexOf(overrides[i]);
            var takesValue = i + 1 < overrides.Length && !overrides[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (at >= 0 && takesValue)
            {
                args[at + 1] = overrides[++i];
            }
            else
            {
                args.Add(overrides[i]);
                if (takesValue)
                {
                    args.Add(overrides[++i]);
                }
            }
        }

        return InProcess.Run(InProcess.MaxModel, [.. args]);
    }

    private static void AssertInputError(RunResult result, string expected)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(result.ErrorLines);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    /// <summary>A generated model whose description contradicts itself.</summary>
    private sealed class BrokenModel : Models.CompiledModel
    {
        public override Models.ModelDescription Description { get; } = InProcess.MaxModel.Description with { InputShape = [2, 8, 8, 2] };

        public override Models.LoadedModel Load(Runtime.Protocols.Protocol protocol, Runtime.Net.IChannel? owner) => throw new NotSupportedException();
    }
}
