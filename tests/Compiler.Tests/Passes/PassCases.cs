using Mpc.TestSupport;

namespace Mpc.Compiler.Tests.Passes;

/// <summary>Small graphs aimed at each pass: where it must fold, and where it must not.</summary>
internal static class PassCases
{
    private static readonly (string, TfAttr) Float = ("T", TfAttr.Type(TfType.Float));

    /// <summary>Case name -> GraphDef bytes, per pass name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, Func<byte[]>>> ByPass =
        new Dictionary<string, IReadOnlyDictionary<string, Func<byte[]>>>
        {
            ["RemoveIdentities"] = new Dictionary<string, Func<byte[]>>
            {
                ["read-identities"] = ReadIdentities,
                ["identity-of-input-output"] = () => new GraphDefWriter().Placeholder("x", 1, 3).Op("out", "Identity", "x").ToArray(),
            },
            ["FoldConstants"] = new Dictionary<string, Func<byte[]>>
            {
                ["decomposed-batch-norm"] = () => SmallSeed().Write(seed: 11),
                ["transposed-weights"] = TransposedWeights,
            },
            ["FuseBias"] = new Dictionary<string, Func<byte[]>>
            {
                ["bias-add-and-add"] = BiasForms,
                ["shared-layer-not-fused"] = SharedLayer,
            },
            ["FoldBatchNorm"] = new Dictionary<string, Func<byte[]>>
            {
                ["decomposed-batch-norm"] = () => SmallSeed().Write(seed: 11),
                ["fused-batch-norm"] = FusedBatchNorm,
                ["batch-norm-after-relu-stays"] = BatchNormAfterRelu,
            },
            ["GlobalMeanToAvgPool"] = new Dictionary<string, Func<byte[]>>
            {
                ["mean-keep-and-drop-dims"] = GlobalMeans,
            },
            ["FoldAvgPoolDivisor"] = new Dictionary<string, Func<byte[]>>
            {
                ["seed-pools"] = () => SmallSeed().Write(seed: 11),
                ["partial-windows-and-relu-stay"] = PoolsThatStay,
            },
        };

    /// <summary>Mean over H, W with and without keep_dims (both then feed a MatMul), and a Mean over C that stays.</summary>
    private static byte[] GlobalMeans()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 3, 4, 2).ConstInt("hw", [1, 2], 2).ConstInt("c", [3], 1);
        g.Node("drop", "Mean", ["x", "hw"], Float, ("Tidx", TfAttr.Type(TfType.Int32)), ("keep_dims", TfAttr.Bool(false)));
        g.Node("keep", "Mean", ["x", "hw"], Float, ("Tidx", TfAttr.Type(TfType.Int32)), ("keep_dims", TfAttr.Bool(true)));
        g.Node("channels", "Mean", ["x", "c"], Float, ("Tidx", TfAttr.Type(TfType.Int32)), ("keep_dims", TfAttr.Bool(false)));
        g.Const("w", Values(2 * 3, 4), 2, 3);
        g.Node("fc", "MatMul", ["drop", "w"], Float, ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(false)));
        return g.ToArray();
    }

    public static SeedModel SmallSeed() => new(InputSize: 8, Channels: [3, 4], Blocks: [2, 1], Classes: 2);

    private static float[] Values(int count, int seed) => Support.Compare.Random(count, seed, 0.5f);

    private static byte[] ReadIdentities() => new GraphDefWriter()
        .Placeholder("x", 1, 4, 4, 2)
        .Const("w", Values(3 * 3 * 2 * 3, 1), 3, 3, 2, 3).Op("w/read", "Identity", "w")
        .Conv2D("conv", "x", "w/read", "SAME")
        .Op("relu", "Relu", "conv").Op("out", "Identity", "relu")
        .ToArray();

    private static byte[] TransposedWeights() => new GraphDefWriter()
        .Placeholder("x", 1, 4)
        .Const("w", Values(3 * 4, 2), 3, 4)
        .Node("fc", "MatMul", ["x", "w"], Float, ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(true)))
        .Const("scale", Values(3, 3), 3).Const("two", [2], 1).Op("scale2", "Mul", "scale", "two")
        .Op("y", "Mul", "fc", "scale2")
        .ToArray();

    private static byte[] BiasForms() => new GraphDefWriter()
        .Placeholder("x", 1, 4, 4, 2)
        .Const("w", Values(2 * 2 * 2 * 3, 4), 2, 2, 2, 3).Conv2D("conv", "x", "w", "VALID")
        .Const("b", Values(3, 5), 3).Node("conv/bias", "BiasAdd", ["conv", "b"], Float, ("data_format", TfAttr.Str("NHWC")))
        .Op("relu", "Relu", "conv/bias")
        .ConstInt("shape", [1, 27], 2).Node("flat", "Reshape", ["relu", "shape"], Float)
        .Const("w2", Values(27 * 2, 6), 27, 2).Op("fc", "MatMul", "flat", "w2")
        .Const("b2", Values(2, 7), 2).Op("fc/add", "Add", "b2", "fc")
        .Const("c", Values(2, 8), 1, 2).Op("out", "Sub", "fc/add", "c")
        .ToArray();

    private static byte[] SharedLayer() => new GraphDefWriter()
        .Placeholder("x", 1, 3)
        .Const("w", Values(3 * 2, 9), 3, 2).Op("fc", "MatMul", "x", "w")
        .Const("b", Values(2, 10), 2).Op("biased", "Add", "fc", "b")
        .Op("out", "Mul", "biased", "fc")
        .ToArray();

    private static byte[] FusedBatchNorm()
    {
        var g = new GraphDefWriter()
            .Placeholder("x", 1, 5, 5, 2)
            .Const("w", Values(3 * 3 * 2, 11), 3, 3, 2, 1)
            .Node("dw", "DepthwiseConv2dNative", ["x", "w"], Float, ("strides", TfAttr.Ints(1, 2, 2, 1)), ("padding", TfAttr.Str("SAME")));
        g.Const("scale", [1.5f, 0.5f], 2).Const("offset", [0.1f, -0.2f], 2).Const("mean", [0.3f, -0.1f], 2).Const("var", [0.8f, 1.2f], 2)
            .Node("bn", "FusedBatchNormV3", ["dw", "scale", "offset", "mean", "var"], Float, ("is_training", TfAttr.Bool(false)), ("epsilon", TfAttr.Float(0.001f)))
            .Op("out", "Relu", "bn");
        return g.ToArray();
    }

    private static byte[] BatchNormAfterRelu() => new GraphDefWriter()
        .Placeholder("x", 1, 2, 2, 2)
        .Op("relu", "Relu", "x")
        .Const("k", [2, 3], 2).Op("scaled", "Mul", "relu", "k")
        .Const("d", [0.5f, -0.5f], 2).Op("out", "AddV2", "scaled", "d")
        .ToArray();

    private static byte[] PoolsThatStay() => new GraphDefWriter()
        .Placeholder("x", 1, 5, 5, 2)
        .Pool("same", "AvgPool", "x", 2, 2, "SAME")
        .Const("w", Values(2 * 2 * 2 * 2, 12), 2, 2, 2, 2).Conv2D("conv", "same", "w", "VALID")
        .Pool("valid", "AvgPool", "conv", 2, 1, "VALID").Op("relu", "Relu", "valid")
        .Const("w2", Values(2 * 2, 13), 1, 1, 2, 2).Conv2D("out", "relu", "w2", "VALID")
        .ToArray();
}
