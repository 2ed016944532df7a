using Mpc.Compiler.Evaluation;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Runtime.IO;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Evaluation;

/// <summary>The trained skin model: the C# frontend, passes and executor against PyTorch's own logits.</summary>
public sealed class SkinModelTests
{
    private static readonly string ModelDir = Path.Combine(RepoPaths.Models, "skin_cancer");
    private static readonly Lazy<Graph> Graph = new(() => ModelLoader.Load(Path.Combine(ModelDir, "model.pb")));
    private static readonly Lazy<IsicData> Data = new(() => IsicData.Load(Path.Combine(RepoPaths.Data, "isic")));

    [Fact]
    public void EveryBatchNormFoldsInto13ConvolutionsAndOneDenseLayer()
    {
        var g = Graph.Value;
        Assert.Equal(13, g.Nodes.OfType<Conv2D>().Count());
        Assert.Single(g.Nodes.OfType<MatMul>());
        Assert.DoesNotContain(g.Nodes, n => n is BatchNorm or Mul or Add or Sub or Rsqrt or BiasAdd);
        Assert.All(g.Nodes.OfType<LinearNode>(), l => Assert.NotNull(l.Bias));
    }

    [Fact]
    public void TheExecutorReproducesPyTorchsLogitsOnTheWholeTestSplitWithin1e4()
    {
        var expected = Npy.Read(Path.Combine(ModelDir, "test_logits.npy"));
        var test = Data.Value.Split("test");
        Assert.Equal([test.Count, 2], expected.Shape);
        var worst = 0.0;
        for (var i = 0; i < test.Count; i++)
        {
            var logits = PlaintextExecutor.Run(Graph.Value, Data.Value.Input(test[i])).Span;
            for (var j = 0; j < 2; j++)
            {
                worst = Math.Max(worst, Math.Abs(logits[j] - expected.Data[(2 * i) + j]));
            }
        }

        Assert.True(worst <= 1e-4, $"max abs logit difference {worst}");
    }

    [Fact]
    public void PreprocessingIsBitIdenticalToTheBundledSampleInputs()
    {
        var cases = Data.Value.Cases;
        foreach (var file in Directory.GetFiles(ModelDir, "ISIC_*.npy").Where(f => !f.EndsWith("_logits.npy", StringComparison.Ordinal)))
        {
            var name = string.Join('_', Path.GetFileNameWithoutExtension(file).Split('_').Take(2));
            var c = Assert.Single(cases, c => Path.GetFileNameWithoutExtension(c.Image) == name);
            Assert.Equal(Npy.Read(file).Data, Data.Value.Input(c).ToArray());
        }
    }
}
