using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Tests.Support;
using Mpc.Runtime.IO;
using Xunit;

namespace Mpc.Compiler.Tests.Frontend;

/// <summary>TF Encrypted's MNIST model: argmax 7 and the README's logits within 1e-4, folded or not, in process and through mpcc.</summary>
public sealed class TfeMnistTests
{
    private const double Tolerance = 1e-4;

    private static Tensor Image()
    {
        var npy = Npy.Read(Fixtures.MnistInput);
        return Tensor.Own(Shape.Of(npy.Shape), npy.Data);
    }

    [Fact]
    public void ImportedGraphGivesTheRecordedLogits()
    {
        var graph = TfImporter.ImportFile(Fixtures.MnistModel);
        Assert.Equal(Shape.Of(1, 784), graph.Inputs.Single().Shape);
        var logits = PlaintextExecutor.Run(graph, Image());
        Assert.True(Compare.MaxAbsError(logits.Span, Fixtures.MnistLogits) <= Tolerance);
    }

    [Fact]
    public void FoldedModelGivesArgmax7AndTheRecordedLogits()
    {
        var graph = ModelLoader.Load(Fixtures.MnistModel);
        var logits = PlaintextExecutor.Run(graph, Image());
        Assert.Equal(7, logits.ToArray().Select((v, i) => (v, i)).MaxBy(p => p.v).i);
        Assert.True(Compare.MaxAbsError(logits.Span, Fixtures.MnistLogits) <= Tolerance);

        // Folding removed the Add biases and the pool divisors.
        Assert.DoesNotContain(graph.Nodes, n => n is Add or AvgPool);
        Assert.Equal(2, graph.Nodes.OfType<SumPool>().Count());
    }

    [Fact]
    public void BatchSizeSetsTheUnknownDimensionAndEveryRowMatches()
    {
        var graph = ModelLoader.Load(Fixtures.MnistModel, batchSize: 3);
        var image = Image().Span.ToArray();
        var batch = Tensor.Own(Shape.Of(3, 784), [.. image, .. image, .. image]);
        var logits = PlaintextExecutor.Run(graph, batch);
        Assert.Equal(Shape.Of(3, 10), logits.Shape);
        for (var row = 0; row < 3; row++)
        {
            Assert.True(Compare.MaxAbsError(logits.Span.Slice(row * 10, 10), Fixtures.MnistLogits) <= Tolerance);
        }
    }

    [Fact]
    public void MpccRunPrintsArgmax7AndWritesTheLogits()
    {
        using var temp = new TempDir();
        var output = temp.File("logits.npy");
        var result = Mpcc.Run("run", Fixtures.MnistModel, "--input-file", Fixtures.MnistInput, "--output-file", output, "--plaintext");
        Assert.True(result.Code == 0, result.Err);
        Assert.Equal(string.Empty, result.Err);
        Assert.Contains("fc2/add: f32[1,10]", result.Out, StringComparison.Ordinal);
        Assert.Contains("argmax per row: [7]", result.Out, StringComparison.Ordinal);
        var logits = Npy.Read(output);
        Assert.Equal([1, 10], logits.Shape);
        Assert.Equal(NpyType.Float32, logits.SourceType);
        Assert.True(Compare.MaxAbsError(logits.Data, Fixtures.MnistLogits) <= Tolerance);
    }
}
