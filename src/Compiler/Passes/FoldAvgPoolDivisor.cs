using Mpc.Compiler.Ir;
using Mpc.Runtime.Kernels;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Replaces an AvgPool whose windows are all full by a SumPool and divides the weights of the next
/// linear layer by the window area instead: <c>W (x / a) + b = (W / a) x + b</c>. Under secret
/// sharing a sum is free and local, while a division by a public constant costs a truncation.
/// </summary>
/// <remarks>
/// Requires constant weights (after FoldConstants and FoldBatchNorm, so the divided weights are the
/// final ones). Applies only when every window has the full area (VALID, or SAME that needs no
/// padding), and only when the pool reaches the layer through data movement alone (Reshape,
/// Transpose, Pad with zeros, Identity), each read by one node and none an output: scaling commutes
/// with those, not with a ReLU or a bias. Guarantees the plaintext result is unchanged up to rounding.
/// </remarks>
public sealed class FoldAvgPoolDivisor : IPass
{
    public string Name => nameof(FoldAvgPoolDivisor);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        foreach (var pool in graph.Nodes.OfType<AvgPool>())
        {
            var x = graph[pool.X].Shape;
            var geometry = new PoolGeometry(x[0], x[1], x[2], x[3], pool.Size.H, pool.Size.W, pool.Strides.H, pool.Strides.W,
                pool.Padding.Top, pool.Padding.Left, pool.Padding.Bottom, pool.Padding.Right);
            if (!geometry.AllWindowsFull || NextLinear(editor, pool.Name) is not { } linear)
            {
                continue;
            }

            var area = (float)pool.Size.Area;
            var w = LinearFolding.Weights(editor, linear).Span;
            var divided = new float[w.Length];
            for (var i = 0; i < w.Length; i++)
            {
                divided[i] = w[i] / area;
            }

            editor.Replace(LinearFolding.WithParameters(editor, linear, Tensor.Own(LinearFolding.Weights(editor, linear).Shape, divided), null));
            editor.Replace(new SumPool(pool.Name, pool.Shape, pool.X, pool.Size, pool.Strides, pool.Padding));
        }

        return editor.ToGraph();
    }

    /// <summary>The linear layer the pool's value reaches through single-reader data movement, or null.</summary>
    private static LinearNode? NextLinear(GraphEditor editor, string value)
    {
        while (true)
        {
            var consumers = editor.Consumers(value).ToList();
            if (editor.IsOutput(value) || consumers.Count != 1)
            {
                return null;
            }

            switch (consumers[0])
            {
                case Reshape or Transpose or Pad or Identity:
                    value = consumers[0].Name;
                    break;
                case LinearNode linear when linear.X == value && linear.Weights != value && editor[linear.Weights] is Constant:
                    return linear;
                default:
                    return null;
            }
        }
    }
}
