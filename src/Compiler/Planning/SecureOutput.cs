using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Planning;

/// <summary>
/// Which value the servers reveal to the output receiver. A model that ends in Softmax or ArgMax
/// (or ArgMax of Softmax) reveals the logits instead: the output receiver applies the tail in the
/// clear (it learns the logits either way), which saves a secure exponential and a comparison tree.
/// </summary>
public static class SecureOutput
{
    /// <summary>The revealed node's name.</summary>
    public static string Of(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Outputs.Length != 1)
        {
            throw ModelException.Single("model", Problem.NotSecurable, string.Join(", ", graph.Outputs),
                $"a secure model has exactly one output, this one has {graph.Outputs.Length} (choose one with --output)");
        }

        var name = graph.Outputs[0];
        while (graph[name] is Softmax or ArgMax)
        {
            name = graph[name].Inputs[0];
        }

        return name;
    }

    /// <summary>
    /// What the output receiver applies to the revealed value: "softmax" when the model ends in
    /// Softmax or ArgMax (the receiver prints probabilities and the class), else "none".
    /// </summary>
    public static string Tail(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph[graph.Outputs[0]] is Softmax or ArgMax ? "softmax" : "none";
    }
}
