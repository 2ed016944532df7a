using Mpc.Runtime.IO;
using Mpc.TestSupport;

namespace Mpc.Party.Tests.Support;

/// <summary>
/// The example network as a frozen GraphDef, the way a TensorFlow export writes it: Placeholder
/// [-1, 8, 8, 2] -> Conv2D SAME + BiasAdd -> Relu -> MaxPool or AvgPool 2x2 -> Reshape [-1, 64] ->
/// MatMul + BiasAdd "logits". The weights are seeded, uniform in [-0.5, 0.5]. Folded by
/// ModelLoader it is exactly the architecture <see cref="PartyHost.ExampleModel"/> is compiled for.
/// </summary>
internal static class ExampleGraph
{
    /// <param name="filter5">Replaces the conv filter's element 5 (tests of out-of-range weights).</param>
    public static byte[] Write(bool averagePool, int seed = 1, float? filter5 = null)
    {
        var random = new Random(seed);
        float[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1) * 0.5f)];
        var g = new GraphDefWriter();
        g.Placeholder("input", -1, 8, 8, 2);
        var filter = Draw(72);
        filter[5] = filter5 ?? filter[5];
        g.Const("conv0/kernel", filter, 3, 3, 2, 4);
        g.Conv2D("conv0/Conv2D", "input", "conv0/kernel", "SAME");
        g.Const("conv0/bias", Draw(4), 4);
        g.Node("conv0/BiasAdd", "BiasAdd", ["conv0/Conv2D", "conv0/bias"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
        g.Op("relu0", "Relu", "conv0/BiasAdd");
        g.Pool("pool0", averagePool ? "AvgPool" : "MaxPool", "relu0", 2, 2, "VALID");
        g.ConstInt("flatten/shape", [-1, 64], 2);
        g.Node("flatten", "Reshape", ["pool0", "flatten/shape"], ("T", TfAttr.Type(TfType.Float)), ("Tshape", TfAttr.Type(TfType.Int32)));
        g.Const("dense1/kernel", Draw(192), 64, 3);
        g.Node("dense1/MatMul", "MatMul", ["flatten", "dense1/kernel"], ("T", TfAttr.Type(TfType.Float)), ("transpose_a", TfAttr.Bool(false)), ("transpose_b", TfAttr.Bool(false)));
        g.Const("dense1/bias", Draw(3), 3);
        g.Node("logits", "BiasAdd", ["dense1/MatMul", "dense1/bias"], ("T", TfAttr.Type(TfType.Float)), ("data_format", TfAttr.Str("NHWC")));
        return g.ToArray();
    }

    public static string Save(string folder, bool averagePool, int seed = 1, string? name = null, float? filter5 = null)
    {
        var path = Path.Combine(folder, name ?? (averagePool ? "example-avg.pb" : "example-max.pb"));
        File.WriteAllBytes(path, Write(averagePool, seed, filter5));
        return path;
    }

    /// <summary><paramref name="images"/> random 8x8x2 images in [-1, 1] as a float32 .npy.</summary>
    public static string SaveInput(string folder, int images, int seed = 7, string name = "input.npy")
    {
        var random = new Random(seed);
        var path = Path.Combine(folder, name);
        Npy.Write(path, [images, 8, 8, 2], [.. Enumerable.Range(0, images * 128).Select(_ => (float)((random.NextDouble() * 2) - 1))]);
        return path;
    }
}
