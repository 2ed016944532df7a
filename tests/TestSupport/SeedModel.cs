namespace Mpc.TestSupport;

/// <summary>
/// Writes GraphDefs in the exact structure of the seed's exporter: Placeholder NxSxSx3 ->
/// [Conv2D SAME + BiasAdd + decomposed batch norm (Keras' batchnorm/add, Rsqrt, mul, mul_1, mul_2,
/// sub, add_1) + Relu] per conv, AvgPool 2x2 VALID after each block -> Transpose(0,3,1,2) ->
/// Reshape [-1, features] -> MatMul -> BiasAdd -> Identity "output". The defaults are the skin
/// model's (200x200x3; blocks of 2,2,3,3,3 convs with 64,128,256,512,512 channels).
/// </summary>
public sealed record SeedModel(int InputSize = 200, int[]? Channels = null, int[]? Blocks = null, int Classes = 2)
{
    public int[] ChannelsOrDefault => Channels ?? [64, 128, 256, 512, 512];

    public int[] BlocksOrDefault => Blocks ?? [2, 2, 3, 3, 3];

    public int ConvCount => BlocksOrDefault.Sum();

    /// <summary>Flattened features after the last pool.</summary>
    public int Features
    {
        get
        {
            var s = InputSize;
            foreach (var _ in BlocksOrDefault)
            {
                s /= 2;
            }

            return s * s * ChannelsOrDefault[^1];
        }
    }

    /// <param name="compact">
    /// Write every weight tensor as a one-value float_val list (TensorFlow repeats it), so that the
    /// full-size model is a few KB; otherwise random weights (seeded) in tensor_content.
    /// </param>
    public byte[] Write(bool compact = false, int seed = 1, bool batchDimensionUnknown = false)
    {
        var random = new Random(seed);
        var g = new GraphDefWriter();
        g.Placeholder("input", batchDimensionUnknown ? -1 : 1, InputSize, InputSize, 3);
        var x = "input";
        var cin = 3;
        var blocks = BlocksOrDefault;
        for (var b = 0; b < blocks.Length; b++)
        {
            var cout = ChannelsOrDefault[b];
            for (var j = 1; j <= blocks[b]; j++)
            {
                var conv = $"block{b + 1}_conv{j}";
                var bn = $"block{b + 1}_bn{j}";
                var fanIn = 9 * cin;
                Weights(g, $"{conv}/kernel", [3, 3, cin, cout], () => Uniform(random, MathF.Sqrt(3f / fanIn)), compact, 0.01f);
                g.Conv2D($"{conv}/Conv2D", x, $"{conv}/kernel", "SAME");
                Weights(g, $"{conv}/bias", [cout], () => Uniform(random, 0.1f), compact, 0.01f);
                g.Node($"{conv}/BiasAdd", "BiasAdd", [$"{conv}/Conv2D", $"{conv}/bias"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
                Weights(g, $"{bn}/gamma", [cout], () => 1f + Uniform(random, 0.5f), compact, 1f);
                Weights(g, $"{bn}/beta", [cout], () => Uniform(random, 0.1f), compact, 0f);
                Weights(g, $"{bn}/moving_mean", [cout], () => Uniform(random, 0.1f), compact, 0f);
                Weights(g, $"{bn}/moving_variance", [cout], () => 1f + Uniform(random, 0.5f), compact, 1f);
                g.ConstList($"{bn}/batchnorm/add/y", [0.001f]);
                g.Op($"{bn}/batchnorm/add", "AddV2", $"{bn}/moving_variance", $"{bn}/batchnorm/add/y");
                g.Op($"{bn}/batchnorm/Rsqrt", "Rsqrt", $"{bn}/batchnorm/add");
                g.Op($"{bn}/batchnorm/mul", "Mul", $"{bn}/batchnorm/Rsqrt", $"{bn}/gamma");
                g.Op($"{bn}/batchnorm/mul_1", "Mul", $"{conv}/BiasAdd", $"{bn}/batchnorm/mul");
                g.Op($"{bn}/batchnorm/mul_2", "Mul", $"{bn}/moving_mean", $"{bn}/batchnorm/mul");
                g.Op($"{bn}/batchnorm/sub", "Sub", $"{bn}/beta", $"{bn}/batchnorm/mul_2");
                g.Op($"{bn}/batchnorm/add_1", "AddV2", $"{bn}/batchnorm/mul_1", $"{bn}/batchnorm/sub");
                g.Op($"block{b + 1}_relu{j}", "Relu", $"{bn}/batchnorm/add_1");
                x = $"block{b + 1}_relu{j}";
                cin = cout;
            }

            g.Pool($"block{b + 1}_pool/AvgPool", "AvgPool", x, 2, 2, "VALID");
            x = $"block{b + 1}_pool/AvgPool";
        }

        g.ConstInt("flatten/transpose/perm", [0, 3, 1, 2], 4);
        g.Node("flatten/transpose", "Transpose", [x, "flatten/transpose/perm"], ("T", TfAttr.Type(TfType.Float)), ("Tperm", TfAttr.Type(TfType.Int32)));
        g.ConstInt("flatten/Reshape/shape", [-1, Features], 2);
        g.Node("flatten/Reshape", "Reshape", ["flatten/transpose", "flatten/Reshape/shape"], ("T", TfAttr.Type(TfType.Float)), ("Tshape", TfAttr.Type(TfType.Int32)));
        Weights(g, "dense/kernel", [Features, Classes], () => Uniform(random, MathF.Sqrt(3f / Features)), compact, 0.001f);
        g.Node("dense/MatMul", "MatMul", ["flatten/Reshape", "dense/kernel"], ("T", TfAttr.Type(TfType.Float)),
            ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(false)));
        Weights(g, "dense/bias", [Classes], () => Uniform(random, 0.1f), compact, 0f);
        g.Node("dense/BiasAdd", "BiasAdd", ["dense/MatMul", "dense/bias"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
        g.Node("output", "Identity", ["dense/BiasAdd"], ("T", TfAttr.Type(TfType.Float)));
        return g.ToArray();
    }

    private static float Uniform(Random random, float half) => (float)((random.NextDouble() * 2) - 1) * half;

    private static void Weights(GraphDefWriter g, string name, long[] dims, Func<float> next, bool compact, float constant)
    {
        if (compact)
        {
            g.ConstList(name, [constant], dims);
            return;
        }

        var count = dims.Aggregate(1L, (p, d) => p * d);
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = next();
        }

        g.Const(name, values, dims);
    }
}
