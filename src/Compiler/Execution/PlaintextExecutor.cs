using Mpc.Compiler.Ir;
using Mpc.Runtime;

namespace Mpc.Compiler.Execution;

/// <summary>
/// Runs a graph in float32, node by node: the <c>--plaintext</c> mode and the reference every secure
/// test compares with. Heavy layers use the SIMD kernels of Mpc.Runtime.Plaintext.
/// </summary>
public static class PlaintextExecutor
{
    /// <summary>Runs a graph with one input and one output.</summary>
    /// <exception cref="MpcInputException">The graph does not have exactly one input and one output, or the input has the wrong shape.</exception>
    public static Tensor Run(Graph graph, Tensor input, Activations? activations = null)
    {
        var inputs = graph.Inputs.ToList();
        if (inputs.Count != 1 || graph.Outputs.Length != 1)
        {
            throw new MpcInputException($"the model has {inputs.Count} inputs and {graph.Outputs.Length} outputs; this call needs exactly one of each");
        }

        return Run(graph, new Dictionary<string, Tensor>(StringComparer.Ordinal) { [inputs[0].Name] = input }, activations)[0];
    }

    /// <summary>Runs a graph; returns the outputs in <see cref="Graph.Outputs"/> order.</summary>
    public static IReadOnlyList<Tensor> Run(Graph graph, IReadOnlyDictionary<string, Tensor> inputs, Activations? activations = null)
    {
        var values = Execute(graph, inputs, keepAll: false, activations);
        return [.. graph.Outputs.Select(o => values[o])];
    }

    /// <summary>Runs a graph and returns every node's value (tests compare intermediate values).</summary>
    public static IReadOnlyDictionary<string, Tensor> RunAll(Graph graph, IReadOnlyDictionary<string, Tensor> inputs, Activations? activations = null) =>
        Execute(graph, inputs, keepAll: true, activations);

    /// <summary>Evaluates one node whose inputs are all in <paramref name="values"/> (constant folding uses it).</summary>
    public static Tensor Evaluate(Node node, IReadOnlyDictionary<string, Tensor> values) =>
        node.Accept(new NodeKernels(values, new Dictionary<string, Tensor>(), Activations.Exact));

    /// <param name="keepAll">
    /// False drops each activation after its last reader has run (outputs stay), so that a VGG-sized
    /// model holds a few activations at a time instead of all forty.
    /// </param>
    private static Dictionary<string, Tensor> Execute(Graph graph, IReadOnlyDictionary<string, Tensor> inputs, bool keepAll, Activations? activations)
    {
        foreach (var name in inputs.Keys.Where(k => !graph.Inputs.Any(i => i.Name == k)))
        {
            throw new MpcInputException($"the model has no input named '{name}' (inputs: {string.Join(", ", graph.Inputs.Select(i => i.Name))})");
        }

        foreach (var input in graph.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var value))
            {
                throw new MpcInputException($"no value given for model input '{input.Name}' {input.Shape}");
            }

            if (!value.Shape.Equals(input.Shape))
            {
                throw new MpcInputException($"input '{input.Name}' has shape {value.Shape}, the model expects {input.Shape}");
            }
        }

        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < graph.Nodes.Length; i++)
        {
            foreach (var input in graph.Nodes[i].Inputs)
            {
                lastUse[input] = i;
            }
        }

        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var kernels = new NodeKernels(values, inputs, activations ?? Activations.Exact);
        for (var i = 0; i < graph.Nodes.Length; i++)
        {
            var node = graph.Nodes[i];
            var result = node.Accept(kernels);
            if (!result.Shape.Equals(node.Shape))
            {
                throw new InvalidOperationException($"'{node.Name}' ({node.Op}) produced {result.Shape}, expected {node.Shape}");
            }

            values[node.Name] = result;
            foreach (var input in keepAll ? [] : node.Inputs)
            {
                if (lastUse[input] == i && !graph.IsOutput(input))
                {
                    values.Remove(input);
                }
            }
        }

        return values;
    }
}

/// <summary>
/// The non-linear functions the executor applies: TensorFlow's by default, or an approximation
/// (Pond's polynomials) to compute exactly what a protocol approximates, as the reference of its tests.
/// </summary>
public sealed record Activations(Func<float, float> Relu, Func<float, float> Sigmoid, Func<float, float> Relu6)
{
    public static Activations Exact { get; } = new(static x => x > 0f ? x : 0f, static x => 1f / (1f + MathF.Exp(-x)), static x => Math.Clamp(x, 0f, 6f));
}
