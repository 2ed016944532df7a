using Mpc.Compiler;
using Mpc.Party.Tests.Support;
using Mpc.PartyHost;
using Xunit;

namespace Mpc.Party.Tests;

/// <summary>The test model is what a code generator would emit for the example GraphDef.</summary>
public sealed class ExampleModelTests : IDisposable
{
    private readonly TestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public void ItsDescriptionMatchesTheFoldedGraph(bool averagePool, int batchSize)
    {
        var model = new ExampleModel(averagePool, batchSize).Description;
        model.Validate();
        var graph = ModelLoader.Load(ExampleGraph.Save(_folder.Path, averagePool), batchSize);
        // If the IR printer changes, the fingerprints change: update ExampleModel's table (generated code is regenerated).
        Assert.True(graph.Fingerprint == model.Fingerprint, $"ExampleModel's fingerprint for {model.Name} should be {graph.Fingerprint}");
        foreach (var weight in model.Weights)
        {
            Assert.Equal(weight.Shape.ToArray(), graph.ConstantValue(weight.Node)!.Shape.Dims.ToArray());
        }

        Assert.Equal(model.InputShape.ToArray(), graph.Inputs.Single().Shape.Dims.ToArray());
        Assert.Equal(model.OutputShape.ToArray(), graph[graph.Outputs.Single()].Shape.Dims.ToArray());
    }
}
