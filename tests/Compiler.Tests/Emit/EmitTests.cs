using Mpc.Compiler.Emit;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Planning;
using Mpc.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Mpc.Compiler.Tests.Emit;

/// <summary>
/// One small graph per op family: the emitted project is reviewed as golden files, compiles with
/// Roslyn with no warning, and computes, under every protocol it offers, what plaintext computes.
/// </summary>
public sealed class EmitTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => [.. OpFamilyModels.Cases];

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmittedFilesMatchTheirGoldens(string name)
    {
        var result = Compile(name);
        Golden.Verify("Compiler.Tests", $"Emit/{name}", "files.txt", string.Join("\n", result.Files.Select(f => f.Path)) + "\n");
        foreach (var file in result.Files)
        {
            Golden.Verify("Compiler.Tests", $"Emit/{name}", file.Path + ".txt", file.Text);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmissionIsDeterministic(string name)
    {
        var a = Compile(name).Files;
        var b = Compile(name).Files;
        Assert.Equal(a.Select(f => (f.Path, f.Text)), b.Select(f => (f.Path, f.Text)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SecureRunsMatchPlaintextUnderEveryOfferedProtocol(string name)
    {
        var result = Compile(name);
        var model = SecureRunner.Load(result);
        var inputs = new[] { OpFamilyModels.RandomInput(result.Graph, 100), OpFamilyModels.RandomInput(result.Graph, 101) };
        Assert.Contains("securenn", result.Program.Protocols);
        foreach (var protocol in result.Program.Protocols)
        {
            var activations = ChooseProtocols.ReferenceActivations(protocol);
            var secure = SecureRunner.Run(model, result.Graph, protocol, inputs);
            for (var k = 0; k < inputs.Length; k++)
            {
                var revealed = result.Program.Output.Node;
                var plain = PlaintextExecutor.RunAll(result.Graph, new Dictionary<string, Tensor>(StringComparer.Ordinal) { [result.Graph.Inputs.Single().Name] = inputs[k] }, activations)[revealed].ToArray();
                var diff = plain.Select((v, i) => Math.Abs(v - secure[k][i])).Max();
                output.WriteLine($"{name} {protocol} input {k}: max abs difference {diff:G3} ({string.Join(", ", secure[k].Select(v => v.ToString("F4")))})");
                Assert.True(diff <= 1e-2, $"{name} under {protocol}, input {k}: max abs difference {diff}");
            }
        }
    }

    [Fact]
    public void PondIsNotOfferedWithMaxPoolingAndTheReasonIsRecorded()
    {
        var result = Compile("maxpool");
        Assert.Equal(["securenn", "securenn-fast"], result.Program.Protocols.ToArray());
        Assert.Contains(result.Program.ProtocolNotes, n => n.Contains("max pooling ('pool')", StringComparison.Ordinal));
    }

    private static CompilationResult Compile(string name)
    {
        var graph = OpFamilyModels.Load(name);
        var calibration = Enumerable.Range(1, 4).Select(s => OpFamilyModels.RandomInput(graph, s)).ToList();
        return ModelCompiler.Compile(graph, name + ".pb", new CompileOptions(CamelCase(name), CalibrationInputs: calibration,
            Emit: new EmitOptions(CompileCommand: $"mpcc compile {name}.pb --name {CamelCase(name)}")));
    }

    private static string CamelCase(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
