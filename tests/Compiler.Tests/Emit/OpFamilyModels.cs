using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Passes;
using Mpc.TestSupport;

namespace Mpc.Compiler.Tests.Emit;

/// <summary>One small GraphDef per op family the code generator lowers, with seeded weights.</summary>
internal static class OpFamilyModels
{
    public static readonly string[] Cases = ["seed", "maxpool", "layout"];

    public static Graph Load(string name) => Pipeline.Standard.Run(TfImporter.Import(Write(name), name + ".pb", new ImportOptions(null)));

    /// <summary>Inputs of the model's shape, uniform in [-1, 1], from a seeded generator.</summary>
    public static Tensor RandomInput(Graph graph, int seed)
    {
        var shape = graph.Inputs.Single().Shape;
        var random = new Random(seed);
        var values = new float[shape.ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return Tensor.Own(shape, values);
    }

    private static byte[] Write(string name) => name switch
    {
        // Conv2D SAME + BiasAdd + decomposed batch norm + Relu, AvgPool folded into the next layer, Transpose, Reshape, MatMul.
        "seed" => new SeedModel(InputSize: 8, Channels: [4, 6], Blocks: [1, 2], Classes: 3).Write(seed: 7),
        "maxpool" => MaxPoolModel(),
        "layout" => LayoutModel(),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Conv2D VALID stride 2 -> Relu -> MaxPool 3x3 stride 2 SAME -> Reshape -> MatMul -> Softmax (left to the output receiver).</summary>
    private static byte[] MaxPoolModel()
    {
        var random = new Random(11);
        var g = new GraphDefWriter();
        g.Placeholder("x", 1, 9, 9, 2);
        g.Const("conv/w", Values(random, 3 * 3 * 2 * 5, 0.4f), 3, 3, 2, 5);
        g.Conv2D("conv", "x", "conv/w", "VALID", stride: 2);
        g.Const("conv/b", Values(random, 5, 0.1f), 5);
        g.Node("conv/bias", "BiasAdd", ["conv", "conv/b"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
        g.Op("relu", "Relu", "conv/bias");
        g.Pool("pool", "MaxPool", "relu", 3, 2, "SAME");
        g.ConstInt("flat/shape", [-1, 2 * 2 * 5], 2);
        g.Node("flat", "Reshape", ["pool", "flat/shape"], ("T", TfAttr.Type(TfType.Float)), ("Tshape", TfAttr.Type(TfType.Int32)));
        g.Const("dense/w", Values(random, 20 * 4, 0.3f), 20, 4);
        g.Node("dense", "MatMul", ["flat", "dense/w"], ("T", TfAttr.Type(TfType.Float)), ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(false)));
        g.Op("probabilities", "Softmax", "dense");
        return g.ToArray();
    }

    /// <summary>
    /// Pad -> Conv2D -> Relu6 and a 1x1 Conv2D -> Relu branch, their Add, Concat with the second
    /// branch, AvgPool 3x3 SAME (divides by the valid count, not folded: a sigmoid follows), Sigmoid,
    /// Mean over H and W, MatMul + BiasAdd.
    /// </summary>
    private static byte[] LayoutModel()
    {
        var random = new Random(5);
        var g = new GraphDefWriter();
        g.Placeholder("x", 1, 6, 6, 3);
        g.ConstInt("pad/paddings", [0, 0, 1, 1, 1, 1, 0, 0], 4, 2);
        g.Node("pad", "Pad", ["x", "pad/paddings"], ("T", TfAttr.Type(TfType.Float)), ("Tpaddings", TfAttr.Type(TfType.Int32)));
        g.Const("a/w", Values(random, 3 * 3 * 3 * 4, 0.5f), 3, 3, 3, 4);
        g.Conv2D("a", "pad", "a/w", "VALID");
        g.Op("a/relu6", "Relu6", "a");
        g.Const("b/w", Values(random, 3 * 4, 0.8f), 1, 1, 3, 4);
        g.Conv2D("b", "x", "b/w", "SAME");
        g.Op("b/relu", "Relu", "b");
        g.Op("sum", "AddV2", "a/relu6", "b/relu");
        g.ConstInt("concat/axis", [3]);
        g.Node("concat", "ConcatV2", ["sum", "b/relu", "concat/axis"], ("T", TfAttr.Type(TfType.Float)), ("N", TfAttr.Int(2)), ("Tidx", TfAttr.Type(TfType.Int32)));
        g.Pool("avg", "AvgPool", "concat", 3, 1, "SAME");
        g.Op("sigmoid", "Sigmoid", "avg");
        g.ConstInt("mean/axes", [1, 2], 2);
        g.Node("mean", "Mean", ["sigmoid", "mean/axes"], ("T", TfAttr.Type(TfType.Float)), ("Tidx", TfAttr.Type(TfType.Int32)), ("keep_dims", TfAttr.Bool(false)));
        g.Const("dense/w", Values(random, 8 * 2, 0.5f), 8, 2);
        g.Node("dense", "MatMul", ["mean", "dense/w"], ("T", TfAttr.Type(TfType.Float)), ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(false)));
        g.Const("dense/b", Values(random, 2, 0.1f), 2);
        g.Node("output", "BiasAdd", ["dense", "dense/b"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
        return g.ToArray();
    }

    private static float[] Values(Random random, int count, float half) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1) * half)];
}
