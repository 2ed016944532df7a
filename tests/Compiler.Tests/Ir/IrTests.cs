using System.Collections.Immutable;
using Mpc.Compiler.Ir;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Ir;

/// <summary>Graph construction, the verifier and the printer: the invariants every pass relies on.</summary>
public sealed class IrTests
{
    private static readonly Tensor Weights = Tensor.Own(Shape.Of(3, 3, 2, 4), new float[72]);

    private static Graph ConvGraph(Shape convShape) => Graph.Create(
        [
            new Input("x", Shape.Of(1, 8, 8, 2)),
            new Constant("w", Weights),
            new Conv2D("conv", convShape, "x", "w", null, new Window(2, 2), new Padding2D(0, 1, 0, 1)),
            new Relu("out", convShape, "conv"),
        ],
        ["out"]);

    [Fact]
    public void VerifierAcceptsAWellFormedGraph() => Assert.Empty(Verifier.Check(ConvGraph(Shape.Of(1, 4, 4, 4))));

    [Fact]
    public void VerifierReportsAShapeThatDisagreesWithTheInputs()
    {
        var problems = Verifier.Check(ConvGraph(Shape.Of(1, 3, 3, 4)));
        Assert.Contains("'conv' (Conv2D) has shape [1,3,3,4] but its inputs give [1,4,4,4]", problems);
        Assert.Throws<InvalidOperationException>(() => Verifier.Verify(ConvGraph(Shape.Of(1, 3, 3, 4)), "test"));
    }

    [Fact]
    public void VerifierReportsIntegerOperandsAndChannelMismatches()
    {
        var graph = Graph.Create(
            [
                new Input("x", Shape.Of(2, 3)),
                new ArgMax("i", Shape.Of(2), "x", 1),
                new Relu("r", Shape.Of(2), "i"),
                new Constant("b", Tensor.Zeros(Shape.Of(4))),
                new BiasAdd("bad", Shape.Of(2, 3), "x", "b"),
            ],
            ["r", "bad"]);
        var problems = Verifier.Check(graph);
        Assert.Contains("'r' reads 'i' of type Int64; operations take float32", problems);
        Assert.Contains("'bad' (BiasAdd): bias [4] must be a vector of 3 values (the last dimension of [2,3])", problems);
    }

    [Fact]
    public void CreateSortsTopologicallyAndRejectsCyclesAndUnknownNames()
    {
        var sorted = Graph.Create([new Relu("b", Shape.Of(2), "a"), new Input("a", Shape.Of(2))], ["b"]);
        Assert.Equal(["a", "b"], sorted.Nodes.Select(n => n.Name).ToArray());
        Assert.Throws<InvalidOperationException>(() => Graph.Create([new Relu("a", Shape.Of(2), "b"), new Relu("b", Shape.Of(2), "a")], ["a"]));
        Assert.Throws<InvalidOperationException>(() => Graph.Create([new Relu("a", Shape.Of(2), "ghost")], ["a"]));
        Assert.Throws<InvalidOperationException>(() => Graph.Create([new Input("a", Shape.Of(2))], ["nothing"]));
    }

    [Fact]
    public void DeadNodesGoButInputsStay()
    {
        var graph = Graph.Create(
            [new Input("x", Shape.Of(2)), new Input("unused", Shape.Of(1)), new Relu("dead", Shape.Of(2), "x"), new Sigmoid("out", Shape.Of(2), "x")],
            ["out"]).WithoutDeadNodes();
        Assert.Equal(["x", "unused", "out"], graph.Nodes.Select(n => n.Name).ToArray());
    }

    [Fact]
    public void EditorKeepsOutputNamesWhenAChainCollapses()
    {
        var graph = Graph.Create(
            [new Input("x", Shape.Of(2)), new Relu("r", Shape.Of(2), "x"), new Identity("out", Shape.Of(2), "r")], ["out"]);
        var editor = new GraphEditor(graph);
        Assert.Equal("out", editor.ReplaceChain("r", "out", new Relu6("r", Shape.Of(2), "x")));
        var result = editor.ToGraph();
        Assert.Equal(["x", "out"], result.Nodes.Select(n => n.Name).ToArray());
        Assert.IsType<Relu6>(result["out"]);
    }

    [Fact]
    public void PrinterIsStable()
    {
        var graph = Graph.Create(
            [
                new Input("x", Shape.Of(1, 4, 4, 2)),
                new Constant("small", Tensor.Create(Shape.Of(2), [0.1f, -2.5e-8f])),
                new Constant("large", Tensor.Own(Shape.Of(20), [.. Enumerable.Range(0, 20).Select(i => i * 0.5f)])),
                new Mul("m", Shape.Of(1, 4, 4, 2), "x", "small"),
                new MaxPool("p", Shape.Of(1, 2, 2, 2), "m", new Window(3, 3), new Window(2, 2), new Padding2D(0, 1, 0, 1)),
                new ReduceMean("mean", Shape.Of(1, 1, 1, 2), "p", [1, 2], true),
                new Transpose("t", Shape.Of(1, 2, 1, 1), "mean", [0, 3, 1, 2]),
                new Pad("pad", Shape.Of(1, 2, 1, 3), "t", [0, 0, 0, 0, 0, 0, 1, 1]),
                new Concat("cat", Shape.Of(1, 2, 1, 6), ["pad", "pad"], 3),
                new Reshape("flat", Shape.Of(1, 12), "cat"),
                new Constant("w", Tensor.Own(Shape.Of(12, 20), new float[240])),
                new MatMul("fc", Shape.Of(1, 20), "flat", "w", "large"),
                new ArgMax("class", Shape.Of(1), "fc", 1),
            ],
            ["class", "fc"]);
        Golden.Verify("Compiler.Tests", "Ir", "printer.ir.txt", IrPrinter.Print(graph));
        Golden.Verify("Compiler.Tests", "Ir", "printer-no-values.ir.txt", IrPrinter.Print(graph, values: false));
        Assert.Equal(IrPrinter.Fingerprint(graph), graph.Fingerprint);
    }

    [Fact]
    public void ShapesCompareByValue()
    {
        Assert.Equal(Shape.Of(1, 2, 3), Shape.Of(ImmutableArray.Create(1, 2, 3)));
        Assert.NotEqual(Shape.Of(1, 2, 3), Shape.Of(1, 3, 2));
        Assert.Equal(Shape.Scalar, Shape.Of());
        Assert.Equal("[1,2,3]", Shape.Of(1, 2, 3).ToString());
        Assert.Throws<ShapeException>(() => Shape.Of(65536, 65536));
    }
}
