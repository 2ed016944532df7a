using Mpc.Compiler.Analysis;
using Mpc.Compiler.Frontend.Tf;
using Mpc.Compiler.Ir;
using Mpc.TestSupport;
using Xunit;

namespace Mpc.Compiler.Tests.Analysis;

/// <summary>The costs inspect prints, counted by hand for a small graph.</summary>
public sealed class CostModelTests
{
    [Fact]
    public void CountsMacsReluAndComparisonsExactly()
    {
        var g = new GraphDefWriter().Placeholder("x", 1, 3, 3, 1)
            .Pool("pool", "MaxPool", "x", 2, 2, "SAME")
            .Op("r6", "Relu6", "pool")
            .ConstInt("shape", [1, 4], 2).Node("flat", "Reshape", ["r6", "shape"], ("T", TfAttr.Type(TfType.Float)))
            .ConstList("w", [0.5f], 4, 3).Op("fc", "MatMul", "flat", "w")
            .ConstInt("axis", [1]).Node("class", "ArgMax", ["fc", "axis"], ("T", TfAttr.Type(TfType.Float)));
        var layers = CostModel.Analyze(TfImporter.Import(g.ToArray(), "c.pb")).ToDictionary(l => l.Node.Name);

        // 3x3 input, 2x2 windows, stride 2, SAME pads one row and column after: windows of 4, 2, 2, 1 valid elements.
        Assert.Equal(3 + 1 + 1 + 0, layers["pool"].Comparisons);
        Assert.Equal((0, 0, 4L, 4L), (layers["r6"].Parameters, layers["r6"].Macs, layers["r6"].Relus, layers["r6"].Comparisons));
        Assert.Equal((12L, 12L), (layers["fc"].Parameters, layers["fc"].Macs));
        Assert.Equal(2, layers["class"].Comparisons);
        var total = CostModel.Total(layers.Values);
        Assert.Equal((12L, 12L, 4L, 11L), (total.Parameters, total.Macs, total.Relus, total.Comparisons));
    }

    [Fact]
    public void ConvolutionMacsCountEveryWindowPositionIncludingPadding()
    {
        var g = new GraphDefWriter().Placeholder("x", 2, 5, 5, 3).ConstList("w", [1f], 3, 3, 3, 4).Conv2D("conv", "x", "w", "SAME");
        var conv = CostModel.Analyze(TfImporter.Import(g.ToArray(), "c.pb")).Single(l => l.Node is Conv2D);
        Assert.Equal(2L * 5 * 5 * 4 * 3 * 3 * 3, conv.Macs);
        Assert.Equal(108, conv.Parameters);
    }
}
