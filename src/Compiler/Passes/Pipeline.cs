using System.Collections.Immutable;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// The standard pass list, in one place. The order matters:
/// <list type="number">
/// <item><b>RemoveIdentities</b> first: frozen graphs read every weight through <c>w/read</c>, and the
/// patterns below must see the constants themselves.</item>
/// <item><b>FoldConstants</b>: turns the decomposed batch norm's <c>rsqrt(var + eps) * scale</c> and
/// <c>offset - mean * k</c> and transposed MatMul weights into plain constants, which the folding
/// passes need.</item>
/// <item><b>FuseBias</b> before FoldBatchNorm: the batch norm's Mul then reads the layer directly
/// (conv -> BiasAdd -> Mul would otherwise hide the conv), and the old bias is scaled with the weights.</item>
/// <item><b>FoldBatchNorm</b>: folds scale and shift into the layer's weights and bias.</item>
/// <item><b>GlobalMeanToAvgPool</b>: a Mean over H and W becomes an AvgPool, so that the next pass
/// treats global average pooling like any other average pool.</item>
/// <item><b>FoldAvgPoolDivisor</b> last: it divides the final weights, after batch-norm folding has
/// rewritten them.</item>
/// </list>
/// The verifier runs after every pass (it is cheap), so a broken pass fails at the pass.
/// </summary>
public sealed class Pipeline
{
    public Pipeline(IEnumerable<IPass> passes)
    {
        Passes = [.. passes];
    }

    public static Pipeline Standard { get; } = new(
    [
        new RemoveIdentities(),
        new FoldConstants(),
        new FuseBias(),
        new FoldBatchNorm(),
        new GlobalMeanToAvgPool(),
        new FoldAvgPoolDivisor(),
    ]);

    public ImmutableArray<IPass> Passes { get; }

    /// <summary>Runs every pass, verifying after each; <paramref name="afterEach"/> sees each result (for dumps).</summary>
    public Graph Run(Graph graph, Action<IPass, Graph>? afterEach = null)
    {
        foreach (var pass in Passes)
        {
            graph = pass.Run(graph);
            Verifier.Verify(graph, pass.Name);
            afterEach?.Invoke(pass, graph);
        }

        return graph;
    }

    /// <summary>The pass called <paramref name="name"/> (case-insensitive), or null.</summary>
    public IPass? Find(string name) => Passes.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
