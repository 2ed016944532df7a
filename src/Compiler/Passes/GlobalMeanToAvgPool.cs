using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Rewrites a Mean over H and W of an NHWC value (global average pooling, as Keras writes it) as an
/// AvgPool whose window is the whole image, followed by a Reshape when the reduced axes are dropped.
/// </summary>
/// <remarks>
/// Requires nothing. Guarantees the same values (the mean of H*W elements either way), so that
/// FoldAvgPoolDivisor, which runs after it, can move the 1/(H*W) into the next linear layer and the
/// secure model sums locally instead of paying a truncation.
/// </remarks>
public sealed class GlobalMeanToAvgPool : IPass
{
    public string Name => nameof(GlobalMeanToAvgPool);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        foreach (var mean in graph.Nodes.OfType<ReduceMean>())
        {
            var x = graph[mean.X].Shape;
            if (x.Rank != 4 || !mean.Axes.SequenceEqual([1, 2]))
            {
                continue;
            }

            var pooled = Shape.Of(x[0], 1, 1, x[3]);
            var window = new Window(x[1], x[2]);
            if (mean.KeepDims)
            {
                editor.Replace(new AvgPool(mean.Name, pooled, mean.X, window, new Window(1, 1), Padding2D.None));
                continue;
            }

            var pool = editor.FreshName(mean.Name + "/pool");
            editor.Add(new AvgPool(pool, pooled, mean.X, window, new Window(1, 1), Padding2D.None));
            editor.Replace(new Reshape(mean.Name, mean.Shape, pool));
        }

        return editor.ToGraph();
    }
}
