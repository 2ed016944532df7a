using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Runtime;

namespace Mpc.Party.Models;

/// <summary>
/// The float32 plaintext executor on the owner's folded graph: <c>--plaintext</c> and <c>--check</c>.
/// Returns what the secure run reveals, the logits: when the graph ends in a Softmax, its input
/// (the output receiver applies the softmax itself).
/// </summary>
internal static class PlaintextReference
{
    /// <summary>The logits of every image of <paramref name="input"/>, prediction after prediction.</summary>
    public static float[] Run(Graph graph, ModelDescription model, ModelInput input)
    {
        var inputs = graph.Inputs.ToList();
        if (inputs.Count != 1 || graph.Outputs.Length != 1)
        {
            throw new MpcInputException($"the model has {inputs.Count} inputs and {graph.Outputs.Length} outputs; the party program runs models with one of each");
        }

        // A final Softmax is the output receiver's job: run the graph up to its input.
        if (graph[graph.Outputs[0]] is Softmax softmax)
        {
            graph = Graph.Create(graph.Nodes.Where(n => n.Name != softmax.Name), [softmax.X]);
        }

        var shape = Shape.Of(model.InputShape);
        var logits = new float[input.Batches * model.OutputLength];
        for (var b = 0; b < input.Batches; b++)
        {
            var result = PlaintextExecutor.Run(graph, Tensor.Create(shape, input.Batch(b)));
            if (result.Length != model.OutputLength)
            {
                throw new MpcInputException($"the model's output '{graph.Outputs[0]}' has shape {result.Shape}, the compiled model reveals [{string.Join(",", model.OutputShape)}]");
            }

            result.Span.CopyTo(logits.AsSpan(b * model.OutputLength));
        }

        return logits;
    }
}
