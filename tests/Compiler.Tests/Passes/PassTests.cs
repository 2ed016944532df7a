using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Compiler.Tests.Support;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Passes;

/// <summary>
/// Every pass on every case: golden IR before and after (what a reviewer reads), the verifier, the
/// plaintext result (relative error at most 1e-5) and the output names kept. The input of a pass is
/// the graph after the standard passes before it, as in the real pipeline.
/// </summary>
public sealed class PassTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (pass, cases) in PassCases.ByPass)
        {
            foreach (var name in cases.Keys)
            {
                data.Add(pass, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PassKeepsTheResultAndMatchesItsGoldenDumps(string passName, string caseName)
    {
        var (before, after) = RunPass(passName, caseName);
        Assert.Empty(Verifier.Check(after));
        Assert.Equal(before.Outputs.ToArray(), after.Outputs.ToArray());
        Assert.Equal(before.Inputs.Select(i => (i.Name, i.Shape)), after.Inputs.Select(i => (i.Name, i.Shape)));

        var feeds = before.Inputs.Select((input, i) => (input.Name, Value: Tensor.Own(input.Shape, Compare.Random(input.Shape.ElementCount, seed: 100 + i))))
            .ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var expected = PlaintextExecutor.Run(before, feeds);
        var actual = PlaintextExecutor.Run(after, feeds);
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Compare.RelativeError(actual[i].Span, expected[i].Span);
            Assert.True(error <= 1e-5, $"{passName} on {caseName}: relative error {error}");
        }

        Golden.Verify("Compiler.Tests", Path.Combine("Passes", passName), $"{caseName}.before.ir.txt", IrPrinter.Print(before));
        Golden.Verify("Compiler.Tests", Path.Combine("Passes", passName), $"{caseName}.after.ir.txt", IrPrinter.Print(after));
    }

    [Fact]
    public void RemoveIdentitiesGivesTheOutputNameToTheNodeItRead()
    {
        var (_, after) = RunPass("RemoveIdentities", "read-identities");
        Assert.DoesNotContain(after.Nodes, n => n is Identity);
        Assert.IsType<Relu>(after["out"]);
        Assert.Equal("w", ((Conv2D)after["conv"]).Weights);

        var (_, kept) = RunPass("RemoveIdentities", "identity-of-input-output");
        Assert.IsType<Identity>(kept["out"]);
    }

    [Fact]
    public void FoldConstantsLeavesNoComputationOnConstantsOnly()
    {
        var (_, after) = RunPass("FoldConstants", "decomposed-batch-norm");
        Assert.DoesNotContain(after.Nodes, n => n is not Constant and not Input and not ArgMax && n.Inputs.All(after.IsConstant));
        Assert.DoesNotContain(after.Nodes, n => n is Rsqrt);

        var (_, transposed) = RunPass("FoldConstants", "transposed-weights");
        var matmul = Assert.Single(transposed.Nodes.OfType<MatMul>());
        Assert.Equal(Shape.Of(4, 3), transposed[matmul.Weights].Shape);
    }

    [Fact]
    public void FuseBiasMovesEveryBiasIntoItsLayer()
    {
        var (_, after) = RunPass("FuseBias", "bias-add-and-add");
        Assert.DoesNotContain(after.Nodes, n => n is BiasAdd or Add or Sub);
        Assert.All(after.Nodes.OfType<LinearNode>(), l => Assert.NotNull(l.Bias));
        Assert.Equal("out", Assert.Single(after.Nodes.OfType<MatMul>()).Name);

        var (_, shared) = RunPass("FuseBias", "shared-layer-not-fused");
        Assert.Null(Assert.Single(shared.Nodes.OfType<MatMul>()).Bias);
        Assert.Single(shared.Nodes.OfType<Add>());
    }

    [Fact]
    public void FoldBatchNormFoldsBothFormsAndLeavesOthers()
    {
        var (_, seed) = RunPass("FoldBatchNorm", "decomposed-batch-norm");
        Assert.DoesNotContain(seed.Nodes, n => n is Mul or Add or Sub or BatchNorm);
        Assert.Equal(3, seed.Nodes.OfType<Conv2D>().Count(c => c.Bias is not null));

        var (_, fused) = RunPass("FoldBatchNorm", "fused-batch-norm");
        Assert.DoesNotContain(fused.Nodes, n => n is BatchNorm);
        Assert.NotNull(Assert.Single(fused.Nodes.OfType<DepthwiseConv2D>()).Bias);

        var (_, relu) = RunPass("FoldBatchNorm", "batch-norm-after-relu-stays");
        Assert.Single(relu.Nodes.OfType<Mul>());
        Assert.Single(relu.Nodes.OfType<Add>());
    }

    [Fact]
    public void FoldAvgPoolDivisorOnlyWhereTheWindowsAreFullAndTheWayIsLinear()
    {
        var (_, seed) = RunPass("FoldAvgPoolDivisor", "seed-pools");
        Assert.DoesNotContain(seed.Nodes, n => n is AvgPool);
        Assert.Equal(2, seed.Nodes.OfType<SumPool>().Count());

        var (_, stay) = RunPass("FoldAvgPoolDivisor", "partial-windows-and-relu-stay");
        Assert.Equal(["same", "valid"], stay.Nodes.OfType<AvgPool>().Select(p => p.Name).ToArray());
        Assert.Empty(stay.Nodes.OfType<SumPool>());
    }

    [Fact]
    public void GlobalMeanToAvgPoolRewritesMeansOverHeightAndWidthOnly()
    {
        var (_, after) = RunPass("GlobalMeanToAvgPool", "mean-keep-and-drop-dims");
        Assert.Equal(["drop/pool", "keep"], after.Nodes.OfType<AvgPool>().Select(p => p.Name).Order().ToArray());
        Assert.All(after.Nodes.OfType<AvgPool>(), p => Assert.Equal(new Window(3, 4), p.Size));
        Assert.Equal("channels", Assert.Single(after.Nodes.OfType<ReduceMean>()).Name);
        Assert.IsType<Reshape>(after["drop"]);
    }

    [Fact]
    public void PipelineRunsThePassesInTheDocumentedOrder()
    {
        Assert.Equal(
            ["RemoveIdentities", "FoldConstants", "FuseBias", "FoldBatchNorm", "GlobalMeanToAvgPool", "FoldAvgPoolDivisor"],
            Pipeline.Standard.Passes.Select(p => p.Name).ToArray());
        Assert.All(Pipeline.Standard.Passes, p => Assert.Equal(p.GetType().Name, p.Name));
    }

    /// <summary>The graph before the pass (import plus the standard passes before it) and after it.</summary>
    private static (Graph Before, Graph After) RunPass(string passName, string caseName)
    {
        var graph = TfImporter.Import(PassCases.ByPass[passName][caseName](), $"{caseName}.pb");
        Assert.Empty(Verifier.Check(graph));
        foreach (var pass in Pipeline.Standard.Passes)
        {
            if (pass.Name == passName)
            {
                return (graph, pass.Run(graph));
            }

            graph = pass.Run(graph);
        }

        throw new ArgumentException($"no pass {passName}");
    }
}
