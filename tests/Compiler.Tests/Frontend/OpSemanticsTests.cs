using Mpc.Compiler.Execution;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Frontend;

/// <summary>
/// TensorFlow semantics the uTensor fixtures do not exercise, on examples small enough to work out
/// by hand from TensorFlow's definitions (the expected values are those hand results). Each graph
/// is checked unfolded and after the standard passes.
/// </summary>
public sealed class OpSemanticsTests
{
    private static readonly (string, TfAttr) Float = ("T", TfAttr.Type(TfType.Float));

    private static float[] Iota(int n) => [.. Enumerable.Range(0, n).Select(i => (float)i)];

    [Fact]
    public void Conv2DSameStride2PadsTheSmallerHalfBefore()
    {
        // 4x4 input 0..15, 3x3 ones, stride 2: TF pads 0 before and 1 after, so window (0,0) covers rows/cols 0..2.
        var g = new GraphDefWriter().Const("x", Iota(16), 1, 4, 4, 1).ConstList("w", [1f], 3, 3, 1, 1).Conv2D("y", "x", "w", "SAME", stride: 2);
        AssertOutput(g, Shape.Of(1, 2, 2, 1), [45, 39, 66, 50]);
    }

    [Fact]
    public void AvgPoolSameDividesByTheValidElementsOnly()
    {
        // 3x3 input 1..9, 3x3 window stride 1 SAME: corner (0,0) averages 1,2,4,5 = 3; centre averages all = 5.
        var g = new GraphDefWriter().Const("x", [.. Enumerable.Range(1, 9).Select(i => (float)i)], 1, 3, 3, 1).Pool("y", "AvgPool", "x", 3, 1, "SAME");
        AssertOutput(g, Shape.Of(1, 3, 3, 1), [3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7]);
    }

    [Fact]
    public void MaxPoolSameIgnoresPadding()
    {
        var g = new GraphDefWriter().Const("x", [-5, -6, -7, -8], 1, 2, 2, 1).Pool("y", "MaxPool", "x", 3, 2, "SAME");
        AssertOutput(g, Shape.Of(1, 1, 1, 1), [-5]);
    }

    [Fact]
    public void DepthwiseOutputChannelIsCTimesMPlusM()
    {
        var g = new GraphDefWriter().Const("x", [1, 2], 1, 1, 1, 2).Const("w", [10, 20, 30, 40], 1, 1, 2, 2)
            .Node("y", "DepthwiseConv2dNative", ["x", "w"], Float, ("strides", TfAttr.Ints(1, 1, 1, 1)), ("padding", TfAttr.Str("VALID")),
                ("data_format", TfAttr.Str("NHWC")), ("dilations", TfAttr.Ints(1, 1, 1, 1)));
        AssertOutput(g, Shape.Of(1, 1, 1, 4), [10, 20, 60, 80]);
    }

    [Fact]
    public void MatMulTransposeAttributesBecomeKxNWeights()
    {
        var g = new GraphDefWriter().Placeholder("a", 2, 1).Const("b", [1, 0, 0, 1, 1, 1], 3, 2)
            .Node("y", "MatMul", ["a", "b"], Float, ("transpose_a", TfAttr.Bool(true)), ("transpose_b", TfAttr.Bool(true)));
        var graph = AssertOutput(g, Shape.Of(1, 3), [1, 2, 3], feed: Tensor.Create(Shape.Of(2, 1), [1f, 2f]));
        var matmul = Assert.Single(graph.Nodes.OfType<MatMul>());
        Assert.Equal(Shape.Of(2, 3), graph[matmul.Weights].Shape);
        Assert.IsType<Constant>(graph[matmul.Weights]);
    }

    [Fact]
    public void FusedBatchNormDefaultsEpsilonTo1eMinus4()
    {
        // variance 0: y = x * scale / sqrt(epsilon) + offset = x * 100 + 1 with TF's default epsilon.
        var g = new GraphDefWriter().Placeholder("x", 1, 1, 1, 2).Const("scale", [1, 2], 2).Const("offset", [1, 1], 2)
            .Const("mean", [0, 0], 2).Const("var", [0, 0], 2)
            .Node("y", "FusedBatchNormV3", ["x", "scale", "offset", "mean", "var"], Float, ("is_training", TfAttr.Bool(false)));
        AssertOutput(g, Shape.Of(1, 1, 1, 2), [101, 401], feed: Tensor.Create(Shape.Of(1, 1, 1, 2), [1f, 2f]), tolerance: 1e-3);
    }

    [Fact]
    public void FusedBatchNormAfterConvFoldsIntoIt()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 3, 3, 2).Const("w", Iota(2 * 2 * 2 * 3), 2, 2, 2, 3).Conv2D("conv", "x", "w", "VALID")
            .Const("scale", [1, 2, 3], 3).Const("offset", [0.5f, -1, 2], 3).Const("mean", [1, 2, 3], 3).Const("var", [1, 4, 9], 3)
            .Node("bn", "FusedBatchNorm", ["conv", "scale", "offset", "mean", "var"], Float, ("is_training", TfAttr.Bool(false)), ("epsilon", TfAttr.Float(0.001f)));
        var x = Tensor.Own(Shape.Of(1, 3, 3, 2), Iota(18));
        var imported = TfImporter.Import(g.ToArray(), "bn.pb");
        var folded = Pipeline.Standard.Run(imported);
        Assert.Equal(["Constant", "Constant", "Conv2D", "Input"], folded.Nodes.Select(n => n.Op).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("bn", folded.Outputs.Single());
        Assert.True(Support.Compare.RelativeError(PlaintextExecutor.Run(folded, x).Span, PlaintextExecutor.Run(imported, x).Span) <= 1e-5);
    }

    [Fact]
    public void SoftmaxRelu6AndSigmoid()
    {
        var g = new GraphDefWriter().Const("x", [0, MathF.Log(3), -1, 3, 7, 0], 1, 6).Op("s", "Softmax", "x").Op("r", "Relu6", "x").Op("g", "Sigmoid", "x");
        var graph = TfImporter.Import(g.ToArray(), "m.pb", new ImportOptions(Outputs: ["s", "r", "g"]));
        var outputs = PlaintextExecutor.Run(graph, new Dictionary<string, Tensor>());
        var e = new[] { 1f, 3f, MathF.Exp(-1), MathF.Exp(3), MathF.Exp(7), 1f };
        Assert.Equal(e.Select(v => v / e.Sum()).ToArray(), outputs[0].ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal([0f, MathF.Log(3), 0, 3, 6, 0], outputs[1].ToArray());
        Assert.Equal(0.5f, outputs[2][0]);
    }

    [Fact]
    public void SqueezeExpandDimsPadAndConcat()
    {
        var g = new GraphDefWriter().Const("x", [1, 2], 1, 2, 1)
            .Node("sq", "Squeeze", ["x"], Float, ("squeeze_dims", TfAttr.Ints(-1)))
            .ConstInt("dim", [0]).Node("ex", "ExpandDims", ["sq", "dim"], Float)
            .ConstInt("pads", [0, 0, 0, 0, 1, 2], 3, 2).Node("pad", "Pad", ["ex", "pads"], Float)
            .ConstInt("axis", [-1]).Node("cat", "ConcatV2", ["pad", "pad", "axis"], Float, ("N", TfAttr.Int(2)));
        // [1,2,1] -> squeeze -> [1,2] -> expand at 0 -> [1,1,2] -> pad last axis 1|2 -> [1,1,5] -> twice along it.
        AssertOutput(g, Shape.Of(1, 1, 10), [0, 1, 2, 0, 0, 0, 1, 2, 0, 0]);
    }

    [Fact]
    public void MeanOverHeightAndWidthIsGlobalAveragePooling()
    {
        var g = new GraphDefWriter().Const("x", Iota(8), 1, 2, 2, 2).ConstInt64("axes", [1, 2], 2)
            .Node("y", "Mean", ["x", "axes"], Float, ("keep_dims", TfAttr.Bool(false)));
        AssertOutput(g, Shape.Of(1, 2), [3, 4]);
    }

    [Fact]
    public void ConstantsFromTypedListsRepeatTheLastValueAndFloat64Converts()
    {
        var g = new GraphDefWriter().ConstList("a", [1, 2], 2, 2).ConstDouble("b", [0.5], 2, 2).ConstList("zeros", [], 2, 2)
            .Op("ab", "Add", "a", "b").Op("y", "AddV2", "ab", "zeros");
        AssertOutput(g, Shape.Of(2, 2), [1.5f, 2.5f, 2.5f, 2.5f]);
    }

    [Fact]
    public void SuffixesAndControlInputsAreUnderstood()
    {
        var g = new GraphDefWriter().Placeholder("x", -1, 2).Node("init", "NoOp", [])
            .Node("r", "Relu", ["x:0", "^init"], Float).Node("y", "Identity", ["r:0"], Float);
        var graph = AssertOutput(g, Shape.Of(1, 2), [0, 3], feed: Tensor.Create(Shape.Of(1, 2), [-1f, 3f]));
        Assert.Equal("y", graph.Outputs.Single());
    }

    [Fact]
    public void ReshapeMinusOneFollowsTheBatchSize()
    {
        var g = new GraphDefWriter().Placeholder("x", -1, 4).ConstInt("shape", [-1, 2, 2], 3).Node("y", "Reshape", ["x", "shape"], Float);
        var graph = TfImporter.Import(g.ToArray(), "r.pb", new ImportOptions(BatchSize: 3));
        Assert.Equal(Shape.Of(3, 4), graph.Inputs.Single().Shape);
        Assert.Equal(Shape.Of(3, 2, 2), graph["y"].Shape);
    }

    [Fact]
    public void FixedBatchDimensionRefusesAnotherBatchSize()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 4).Op("y", "Relu", "x");
        var e = Assert.Throws<Diagnostics.ModelException>(() => TfImporter.Import(g.ToArray(), "f.pb", new ImportOptions(BatchSize: 2)));
        Assert.Equal("f.pb: invalid node in 1 node: 'x' (Placeholder: shape [1,4] has a fixed batch dimension; --batch-size 2 does not apply)", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void EmptyDimensionsAreRefused()
    {
        var g = new GraphDefWriter().Placeholder("x", -1, 0, 3).Op("y", "Relu", "x");
        var e = Assert.Throws<Diagnostics.ModelException>(() => TfImporter.Import(g.ToArray(), "e.pb"));
        Assert.Equal("e.pb: invalid node in 1 node: 'x' (Placeholder: shape [1,0,3] has an empty or oversized dimension)", e.Message);
    }

    private static Graph AssertOutput(GraphDefWriter g, Shape shape, float[] expected, Tensor? feed = null, double tolerance = 1e-6)
    {
        var imported = TfImporter.Import(g.ToArray(), "test.pb");
        var folded = Pipeline.Standard.Run(imported);
        foreach (var graph in new[] { imported, folded })
        {
            var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var input in graph.Inputs)
            {
                feeds[input.Name] = feed ?? throw new InvalidOperationException("the graph needs an input");
            }

            var actual = PlaintextExecutor.Run(graph, feeds).Single();
            Assert.Equal(shape, actual.Shape);
            Assert.True(Support.Compare.MaxAbsError(actual.Span, expected) <= tolerance,
                $"expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual.ToArray())}]");
        }

        return folded;
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
