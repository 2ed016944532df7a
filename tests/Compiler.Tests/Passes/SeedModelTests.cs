using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.Compiler.Tests.Support;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Passes;

/// <summary>
/// A GraphDef in the exact structure of the seed's exporter (the VGG16-like skin model) imports,
/// folds to 13 conv+relu layers and one dense layer, and inspect reports 12.15 G MACs, 10.78 M ReLUs.
/// </summary>
public sealed class SeedModelTests
{
    private static readonly Lazy<byte[]> FullSize = new(() => new SeedModel().Write(compact: true));

    [Fact]
    public void FullSizeModelFoldsTo13ConvReluLayersAndOneDenseLayer()
    {
        var graph = Pipeline.Standard.Run(TfImporter.Import(FullSize.Value, "seed.pb"));
        var layers = graph.Nodes.Where(n => n is not Constant and not Input).ToList();

        var convs = layers.OfType<Conv2D>().ToList();
        Assert.Equal(13, convs.Count);
        Assert.All(convs, c => Assert.NotNull(c.Bias));
        Assert.All(convs, c => Assert.IsType<Relu>(Assert.Single(graph.Consumers(c.Name))));
        var dense = Assert.Single(layers.OfType<MatMul>());
        Assert.Equal(["output"], graph.Outputs.ToArray());
        Assert.Equal("output", dense.Name);
        Assert.NotNull(dense.Bias);
        Assert.Equal(Shape.Of(18432, 2), graph[dense.Weights].Shape);

        // Nothing else computes: the batch norms and biases are folded, the pools are sums.
        var ops = layers.Select(n => n.Op).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Conv2D", "MatMul", "Relu", "Reshape", "SumPool", "Transpose"], ops);
        Assert.Equal(5, layers.OfType<SumPool>().Count());
    }

    [Fact]
    public void InspectPrintsTheSkinModelsCosts()
    {
        using var temp = new TempDir();
        var model = temp.Write("seed.pb", FullSize.Value);
        var result = Mpcc.Run("inspect", model);
        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("total: 12.15 G MACs, 10.78 M ReLUs, 0 comparisons\n", result.Out, StringComparison.Ordinal);
        Golden.Verify("Compiler.Tests", "Inspect", "seed-200x200.txt", result.Out.Replace(model, "seed.pb", StringComparison.Ordinal));
    }

    [Fact]
    public void SmallSeedStructuredModelKeepsItsResultThroughTheFolding()
    {
        var spec = new SeedModel(InputSize: 16, Channels: [4, 8, 8], Blocks: [2, 1, 2], Classes: 3);
        var imported = TfImporter.Import(spec.Write(seed: 7), "seed-small.pb");
        var folded = Pipeline.Standard.Run(imported);
        Assert.Equal(5, folded.Nodes.OfType<Conv2D>().Count());
        Assert.DoesNotContain(folded.Nodes, n => n is Mul or Add or Sub or BiasAdd or AvgPool);

        var input = Tensor.Own(Shape.Of(1, 16, 16, 3), Compare.Random(16 * 16 * 3, seed: 3));
        var expected = PlaintextExecutor.Run(imported, input);
        var actual = PlaintextExecutor.Run(folded, input);
        Assert.True(Compare.RelativeError(actual.Span, expected.Span) <= 1e-5);
    }

    [Fact]
    public void FingerprintDependsOnTheArchitectureNotTheWeights()
    {
        var spec = new SeedModel(InputSize: 16, Channels: [4, 8], Blocks: [1, 1], Classes: 3);
        var a = Pipeline.Standard.Run(TfImporter.Import(spec.Write(seed: 1), "a.pb"));
        var b = Pipeline.Standard.Run(TfImporter.Import(spec.Write(seed: 2), "b.pb"));
        var wider = Pipeline.Standard.Run(TfImporter.Import((spec with { Classes = 4 }).Write(seed: 1), "c.pb"));
        var batched = Pipeline.Standard.Run(TfImporter.Import(spec.Write(seed: 1, batchDimensionUnknown: true), "d.pb", new ImportOptions(BatchSize: 2)));
        Assert.NotEqual(IrPrinter.Print(a), IrPrinter.Print(b));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, wider.Fingerprint);
        Assert.NotEqual(a.Fingerprint, batched.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", a.Fingerprint);
    }
}
