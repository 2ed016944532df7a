using System.Text;
using Mpc.Compiler.Tests.Support;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Frontend;

/// <summary>
/// Every kind of bad model gets one clear line per problem naming the file and every offending
/// node, exit code 2, nothing on stdout and no stack trace, through mpcc's real entry point.
/// </summary>
public sealed class ErrorTests
{
    private static readonly (string, TfAttr) Float = ("T", TfAttr.Type(TfType.Float));

    [Fact]
    public void TruncatedFileIsNotAGraphDef()
    {
        var bytes = File.ReadAllBytes(Fixtures.MnistModel)[..5000];
        var lines = Fails(bytes, out var model);
        Assert.Equal($"mpcc: {model}: not a TensorFlow GraphDef: the file is truncated or is not binary protobuf", Prefix(lines[0]));
    }

    [Fact]
    public void TextFileIsNotAGraphDef()
    {
        var lines = Fails(Encoding.UTF8.GetBytes("node {\n  name: \"x\"\n  op: \"Placeholder\"\n}\n"), out var model);
        Assert.StartsWith($"mpcc: {model}: not a TensorFlow GraphDef: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ProtobufWithoutNodesIsNotAGraphDef()
    {
        // A valid protobuf message (an unknown varint field), but no nodes.
        var lines = Fails([0x58, 0x01], out var model);
        Assert.Equal($"mpcc: {model}: not a TensorFlow GraphDef: the file (2 bytes) holds no nodes", lines[0]);
    }

    [Fact]
    public void MissingFileIsAnInputError()
    {
        var result = Mpcc.Run("inspect", "/nonexistent/model.pb");
        Assert.Equal(2, result.Code);
        Assert.StartsWith("mpcc: /nonexistent/model.pb: cannot read the model: ", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInputsAreAllListed()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 4).Op("a", "Relu", "ghost").Op("b", "Add", "x", "phantom:0").Op("c", "Add", "a", "b");
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal([$"mpcc: {model}: input refers to a missing node in 2 nodes: 'a' (reads 'ghost'); 'b' (reads 'phantom')"], lines);
    }

    [Fact]
    public void CycleListsItsNodes()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 4).Op("a", "Add", "x", "c").Op("b", "Relu", "a").Op("c", "Relu", "b").Op("out", "Relu", "c");
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal(
            [$"mpcc: {model}: cycle (control flow is not supported) in 3 nodes: 'a' (Add, reads 'c'); 'b' (Relu, reads 'a'); 'c' (Relu, reads 'b')"],
            lines);
    }

    [Fact]
    public void UnsupportedOpsAreAllListedInOneLine()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 4).Op("e", "Elu", "x").Op("t", "Tanh", "e").Op("r", "Relu", "t").Op("s", "Selu", "r");
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal([$"mpcc: {model}: unsupported operation in 3 nodes: 'e' (Elu); 't' (Tanh); 's' (Selu)"], lines);
    }

    [Fact]
    public void NchwConvolutionIsAnUnsupportedAttribute()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 3, 8, 8).ConstList("w", [1f], 3, 3, 3, 4)
            .Node("conv", "Conv2D", ["x", "w"], Float, ("data_format", TfAttr.Str("NCHW")), ("strides", TfAttr.Ints(1, 1, 1, 1)), ("padding", TfAttr.Str("SAME")));
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal([$"mpcc: {model}: unsupported attribute in 1 node: 'conv' (Conv2D: data_format NCHW; only NHWC is supported)"], lines);
    }

    [Fact]
    public void DilationIsAnUnsupportedAttribute()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 8, 8, 3).ConstList("w", [1f], 3, 3, 3, 4)
            .Node("conv", "Conv2D", ["x", "w"], Float, ("strides", TfAttr.Ints(1, 1, 1, 1)), ("dilations", TfAttr.Ints(1, 2, 2, 1)), ("padding", TfAttr.Str("SAME")));
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal([$"mpcc: {model}: unsupported attribute in 1 node: 'conv' (Conv2D: dilations [1,2,2,1]; only dilation 1 is supported)"], lines);
    }

    [Fact]
    public void TrainingModeBatchNormIsRefusedAndAbsentIsTrainingMeansTraining()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 2, 2, 3);
        foreach (var p in new[] { "scale", "offset", "mean", "variance" })
        {
            g.ConstList(p, [1f], 3);
        }

        g.Node("bn_train", "FusedBatchNormV3", ["x", "scale", "offset", "mean", "variance"], Float, ("is_training", TfAttr.Bool(true)));
        g.Node("bn_default", "FusedBatchNorm", ["bn_train", "scale", "offset", "mean", "variance"], Float);
        var lines = Fails(g.ToArray(), out var model);

        // bn_default reads a failed node, so only bn_train is at fault; then check bn_default alone.
        Assert.Equal(
            [$"mpcc: {model}: unsupported attribute in 1 node: 'bn_train' (FusedBatchNormV3: is_training true (training mode); only inference batch norm is supported)"],
            lines);

        var alone = new GraphDefWriter().Placeholder("x", 1, 2, 2, 3);
        foreach (var p in new[] { "scale", "offset", "mean", "variance" })
        {
            alone.ConstList(p, [1f], 3);
        }

        alone.Node("bn_default", "FusedBatchNorm", ["x", "scale", "offset", "mean", "variance"], Float);
        lines = Fails(alone.ToArray(), out model);
        Assert.Equal(
            [$"mpcc: {model}: unsupported attribute in 1 node: 'bn_default' (FusedBatchNorm: is_training is absent, and TensorFlow's default is true (training mode))"],
            lines);
    }

    [Fact]
    public void DynamicNonBatchDimensionIsRefused()
    {
        var g = new GraphDefWriter().Placeholder("image", -1, -1, -1, 3).Op("r", "Relu", "image");
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal(
            [$"mpcc: {model}: dynamic shape (only the batch dimension may be unknown) in 1 node: 'image' (Placeholder: shape [-1,-1,-1,3]: dimensions 1, 2 are unknown)"],
            lines);
    }

    [Fact]
    public void DifferentProblemsGetOneLineEach()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 8, 8, 3).Placeholder("y", 1, -1)
            .Op("e", "Elu", "x")
            .Node("p", "MaxPool", ["x"], Float, ("ksize", TfAttr.Ints(1, 2, 2, 1)), ("strides", TfAttr.Ints(1, 2, 2, 1)),
                ("padding", TfAttr.Str("SAME")), ("data_format", TfAttr.Str("NCHW")))
            .Op("out", "AddV2", "e", "p").Op("out2", "Relu", "y");
        var lines = Fails(g.ToArray(), out var model);
        Assert.Equal(3, lines.Length);
        Assert.Equal($"mpcc: {model}: unsupported operation in 1 node: 'e' (Elu)", lines[0]);
        Assert.Equal($"mpcc: {model}: unsupported attribute in 1 node: 'p' (MaxPool: data_format NCHW; only NHWC is supported)", lines[1]);
        Assert.StartsWith($"mpcc: {model}: dynamic shape (only the batch dimension may be unknown) in 1 node: 'y'", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void RunReportsTheSameErrorsAsInspect()
    {
        using var temp = new TempDir();
        var model = temp.Write("bad.pb", new GraphDefWriter().Placeholder("x", 1, 4).Op("e", "Elu", "x").ToArray());
        var result = Mpcc.Run("run", model, "--plaintext");
        Assert.Equal(2, result.Code);
        Assert.Equal($"mpcc: {model}: unsupported operation in 1 node: 'e' (Elu)\n", result.Err);
    }

    /// <summary>Runs <c>mpcc inspect</c> on the bytes; asserts exit code 2, empty stdout, no stack trace; returns stderr's lines.</summary>
    private static string[] Fails(byte[] bytes, out string model)
    {
        using var temp = new TempDir();
        model = temp.Write("model.pb", bytes);
        var result = Mpcc.Run("inspect", model);
        Assert.Equal(2, result.Code);
        Assert.Equal(string.Empty, result.Out);
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.EndsWith("\n", result.Err, StringComparison.Ordinal);
        return result.Err.TrimEnd('\n').Split('\n');
    }

    /// <summary>The message up to the protobuf library's own wording in parentheses.</summary>
    private static string Prefix(string line) => line[..line.IndexOf(" (", StringComparison.Ordinal)];
}
