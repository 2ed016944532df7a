using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Planning;
using Mpc.Runtime.IO;
using Mpc.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Mpc.Compiler.Tests.Emit;

/// <summary>TF Encrypted's MNIST model compiled to C#, built with Roslyn and run by three parties against plaintext.</summary>
public sealed class SecureMnistTests(ITestOutputHelper output)
{
    private static readonly string ModelPath = Path.Combine(RepoPaths.Fixtures, "tf", "tfe-mnist", "mnist_model.pb");
    private static readonly string InputPath = Path.Combine(RepoPaths.Fixtures, "tf", "tfe-mnist", "mnist_input.npy");

    private static readonly Lazy<CompilationResult> Compiled = new(() => ModelCompiler.Compile(ModelPath, new CompileOptions("Mnist", Calibration: [InputPath])));

    [Fact]
    public void SecureNNLogitsAreWithin1e2OfPlaintextWithArgmax7()
    {
        var result = Compiled.Value;
        var x = Tensor.Create(result.Graph.Inputs.Single().Shape, Npy.Read(InputPath).Data);
        var plain = PlaintextExecutor.Run(result.Graph, x).ToArray();

        var secure = SecureRunner.Run(SecureRunner.Load(result), result.Graph, "securenn", [x])[0];

        var diff = plain.Select((v, i) => Math.Abs(v - secure[i])).Max();
        output.WriteLine($"securenn [{string.Join(", ", secure.Select(v => v.ToString("F5")))}], max abs difference {diff:G3}");
        Assert.True(diff <= 1e-2, $"max abs logit difference {diff}");
        Assert.Equal(7, Array.IndexOf(secure, secure.Max()));
    }

    /// <summary>
    /// With TF Encrypted's ReLU polynomial in place of ReLU (what Pond computes), this model's
    /// activations leave the polynomial's accurate range by the second layer and grow to 1e15: Pond
    /// cannot run it meaningfully, and the compiler says so instead of offering it.
    /// </summary>
    [Fact]
    public void PondIsNotOfferedBecauseThePolynomialNetworkLeavesItsRange()
    {
        var result = Compiled.Value;
        Assert.Equal(["securenn", "securenn-fast"], result.Program.Protocols.ToArray());
        var note = Assert.Single(result.Program.ProtocolNotes);
        Assert.Contains("outside the accurate range [-14, 14]", note, StringComparison.Ordinal);

        var x = Tensor.Create(result.Graph.Inputs.Single().Shape, Npy.Read(InputPath).Data);
        var polynomial = PlaintextExecutor.Run(result.Graph, x, ChooseProtocols.PondActivations).ToArray();
        Assert.True(polynomial.Max(Math.Abs) > 1e6, "the polynomial network should diverge on this model");
    }

    /// <summary>--allow-inaccurate-pond offers Pond anyway (to measure it) and keeps the note; max pooling still rules it out.</summary>
    [Fact]
    public void AllowInaccuratePondOffersPondButKeepsTheNoteAndMaxPoolingStillRulesItOut()
    {
        var graph = Compiled.Value.Graph;
        var calibration = new[] { Tensor.Create(graph.Inputs.Single().Shape, Npy.Read(InputPath).Data) };
        var forced = ChooseProtocols.Run(graph, calibration, allowInaccuratePond: true);
        Assert.Equal(["securenn", "securenn-fast", "pond"], forced.Protocols.ToArray());
        Assert.Contains("outside the accurate range [-14, 14]", Assert.Single(forced.Notes), StringComparison.Ordinal);
        Assert.Equal(ChooseProtocols.Run(graph, calibration).Notes.ToArray(), forced.Notes.ToArray());

        var maxPool = OpFamilyModels.Load("maxpool");
        var still = ChooseProtocols.Run(maxPool, [OpFamilyModels.RandomInput(maxPool, 1)], allowInaccuratePond: true);
        Assert.DoesNotContain("pond", still.Protocols);
    }
}
