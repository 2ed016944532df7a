using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Moves a bias into the linear layer before it: <c>BiasAdd(conv, b)</c>, <c>Add(matmul, b)</c>
/// (TF Encrypted's MNIST model writes Add) and <c>Sub(layer, c)</c>, with b per output channel.
/// Secure code adds the bias at the layer's double scale before its truncation, for free.
/// </summary>
/// <remarks>
/// Requires constant weights and biases (run after FoldConstants). Guarantees that no BiasAdd, or
/// Add/Sub of a per-channel constant, directly follows a Conv2D, DepthwiseConv2D or MatMul that
/// only it reads.
/// </remarks>
public sealed class FuseBias : IPass
{
    public string Name => nameof(FuseBias);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        foreach (var node in graph.Nodes)
        {
            if (editor.Contains(node.Name))
            {
                LinearFolding.TryAbsorbShift(editor, editor[node.Name]);
            }
        }

        return editor.ToGraph();
    }
}
