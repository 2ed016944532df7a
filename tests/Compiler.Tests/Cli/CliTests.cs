using System.Diagnostics;
using Mpc.Compiler.Tests.Support;
using Mpc.Runtime.IO;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Cli;

/// <summary>mpcc end to end: stdout, stderr and exit codes of its real entry point.</summary>
public sealed class CliTests
{
    [Theory]
    [InlineData(new string[0], "mpcc: no command given: use inspect, run, compile or evaluate (see 'mpcc --help')")]
    [InlineData(new[] { "compyle", "m.pb" }, "mpcc: unknown command 'compyle': use inspect, run, compile or evaluate (see 'mpcc --help')")]
    [InlineData(new[] { "inspect" }, "mpcc: missing the MODEL argument (a .pb file) (see 'mpcc inspect --help')")]
    [InlineData(new[] { "inspect", "m.pb", "--bogus" }, "mpcc: unknown option '--bogus' (see 'mpcc inspect --help')")]
    [InlineData(new[] { "inspect", "m.pb", "--batch-size", "many" }, "mpcc: option --batch-size has a value of the wrong form (see 'mpcc inspect --help')")]
    public void UsageErrorsAreOneLineAndExitCode2(string[] args, string message)
    {
        var result = Mpcc.Run(args);
        Assert.Equal(2, result.Code);
        Assert.Equal(message + "\n", result.Err);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public void HelpListsTheCommands()
    {
        var result = Mpcc.Run("--help");
        Assert.Equal(0, result.Code);
        Assert.Contains("inspect", result.Out, StringComparison.Ordinal);
        Assert.Contains("run", result.Out, StringComparison.Ordinal);
        Assert.Contains("--dump-ir-after", Mpcc.Run("inspect", "--help").Out, StringComparison.Ordinal);
    }

    [Fact]
    public void InspectPrintsTheMnistLayerTable()
    {
        var result = Mpcc.Run("inspect", Fixtures.MnistModel);
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(string.Empty, result.Err);
        Golden.Verify("Compiler.Tests", "Inspect", "tfe-mnist.txt", result.Out.Replace(Fixtures.MnistModel, "mnist_model.pb", StringComparison.Ordinal));
    }

    [Fact]
    public void InspectBatchSizeScalesTheCosts()
    {
        var result = Mpcc.Run("inspect", Fixtures.MnistModel, "--batch-size", "4");
        Assert.Equal(0, result.Code);
        Assert.Contains("batch size 4", result.Out, StringComparison.Ordinal);
        Assert.Contains("total: 2.67 M MACs, 41.36 K ReLUs, 0 comparisons", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void DumpIrAfterPrintsThatStageOnly()
    {
        var one = Mpcc.Run("inspect", Fixtures.MnistModel, "--dump-ir-after", "FuseBias");
        Assert.Equal(0, one.Code);
        Assert.Contains("# IR after FuseBias\n%Placeholder = Input : f32[1,784]\n", one.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("# IR after FoldConstants", one.Out, StringComparison.Ordinal);
        Assert.Contains("fingerprint ", one.Out, StringComparison.Ordinal);

        var all = Mpcc.Run("inspect", Fixtures.MnistModel, "--dump-ir-after", "all");
        var stages = all.Out.Split('\n').Where(l => l.StartsWith("# IR after ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["# IR after import", "# IR after RemoveIdentities", "# IR after FoldConstants", "# IR after FuseBias", "# IR after FoldBatchNorm", "# IR after GlobalMeanToAvgPool", "# IR after FoldAvgPoolDivisor"],
            stages);
    }

    [Fact]
    public void DumpIrAfterAnUnknownPassListsThePasses()
    {
        var result = Mpcc.Run("inspect", Fixtures.MnistModel, "--dump-ir-after", "FoldEverything");
        Assert.Equal(2, result.Code);
        Assert.Equal(
            "mpcc: --dump-ir-after FoldEverything: no such pass (import, RemoveIdentities, FoldConstants, FuseBias, FoldBatchNorm, GlobalMeanToAvgPool, FoldAvgPoolDivisor, all)\n",
            result.Err);
    }

    [Fact]
    public void RunNeedsPlaintextAnInputAndTheRightShape()
    {
        Assert.Equal("mpcc: run needs exactly one of --plaintext and --protocol securenn|securenn-fast|pond\n", Mpcc.Run("run", Fixtures.MnistModel).Err);

        var noInput = Mpcc.Run("run", Fixtures.MnistModel, "--plaintext");
        Assert.Equal(2, noInput.Code);
        Assert.Equal("mpcc: --input-file is required: the model reads 'Placeholder' [1,784]\n", noInput.Err);

        using var temp = new TempDir();
        var wrong = temp.File("wrong.npy");
        Npy.Write(wrong, [1, 28, 28], new float[784]);
        var mismatch = Mpcc.Run("run", Fixtures.MnistModel, "--plaintext", "--input-file", wrong);
        Assert.Equal(2, mismatch.Code);
        Assert.Equal($"mpcc: {wrong}: shape [1,28,28] does not match model input 'Placeholder' [1,784]\n", mismatch.Err);

        var batch = Mpcc.Run("run", Fixtures.MnistModel, "--plaintext", "--input-file", wrong, "--batch-size", "0");
        Assert.Equal("mpcc: --batch-size 0: must be at least 1\n", batch.Err);
    }

    [Fact]
    public void RunTakesTheBatchSizeFromTheInput()
    {
        using var temp = new TempDir();
        var image = Npy.Read(Fixtures.MnistInput).Data;
        var input = temp.File("three.npy");
        Npy.Write(input, [3, 784], [.. image, .. image, .. image]);
        var result = Mpcc.Run("run", Fixtures.MnistModel, "--plaintext", "--input-file", input);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("fc2/add: f32[3,10]", result.Out, StringComparison.Ordinal);
        Assert.Contains("argmax per row: [7, 7, 7]", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void RunWithSeveralOutputsPrintsEachAndNeedsOutputForAFile()
    {
        using var temp = new TempDir();
        var model = temp.Write("two.pb", new GraphDefWriter().Placeholder("x", 1, 3).Op("a", "Relu", "x").Op("b", "Sigmoid", "x").ToArray());
        var input = temp.File("x.npy");
        Npy.Write(input, [1, 3], [-1f, 0f, 2f]);

        var both = Mpcc.Run("run", model, "--plaintext", "--input-file", input);
        Assert.Equal(0, both.Code);
        Assert.Equal("a: f32[1,3]\n  [0, 0, 2]\n  argmax per row: [2]\nb: f32[1,3]\n  [0.2689414, 0.5, 0.880797]\n  argmax per row: [2]\n", both.Out);

        var file = Mpcc.Run("run", model, "--plaintext", "--input-file", input, "--output-file", temp.File("y.npy"));
        Assert.Equal(2, file.Code);
        Assert.Equal("mpcc: --output-file: the model has 2 outputs (a, b); choose one with --output\n", file.Err);

        var chosen = Mpcc.Run("run", model, "--plaintext", "--input-file", input, "--output", "b", "--output-file", temp.File("y.npy"));
        Assert.True(chosen.Code == 0, chosen.Err);
        Assert.Equal(0.5f, Npy.Read(temp.File("y.npy")).Data[1]);

        var unknown = Mpcc.Run("run", model, "--plaintext", "--input-file", input, "--output", "c");
        Assert.Equal($"mpcc: {model}: unknown output in 1 node: 'c' (no such node)\n", unknown.Err);
    }

    [Fact]
    public async Task TheMpccExecutableExitsWith2AndNoStackTrace()
    {
        using var temp = new TempDir();
        var model = temp.Write("bad.pb", [1, 2, 3]);
        var mpcc = Path.Combine(AppContext.BaseDirectory, "mpcc.dll");
        var start = new ProcessStartInfo("dotnet", [mpcc, "inspect", model]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Equal(string.Empty, await stdout);
        Assert.StartsWith($"mpcc: {model}: not a TensorFlow GraphDef: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
