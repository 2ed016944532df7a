using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Evaluates every node whose inputs are all constants (with the plaintext kernels) and replaces it
/// by a Constant of the same name: the decomposed batch norm's <c>scale * rsqrt(var + eps)</c> and
/// <c>offset - mean * k</c>, transposed MatMul weights, graphs made only of constants.
/// </summary>
/// <remarks>
/// Requires nothing (runs best after RemoveIdentities). Guarantees that no node other than ArgMax
/// has only constant inputs; ArgMax stays because its result is an index, not a float value.
/// </remarks>
public sealed class FoldConstants : IPass
{
    public string Name => nameof(FoldConstants);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        var constants = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (node is Constant c)
            {
                constants[c.Name] = c.Value;
            }
            else if (node is not Input and not ArgMax && node.Inputs.All(constants.ContainsKey))
            {
                var value = PlaintextExecutor.Evaluate(node, constants);
                constants[node.Name] = value;
                editor.Replace(new Constant(node.Name, value));
            }
        }

        return editor.ToGraph();
    }
}
