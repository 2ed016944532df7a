using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Folds inference batch normalisation into the Conv2D, DepthwiseConv2D or MatMul before it:
/// <c>W' = W * k</c>, <c>b' = b * k + d</c> per output channel, with <c>k = scale / sqrt(var + eps)</c>
/// and <c>d = offset - mean * k</c>. Handles both forms: FusedBatchNorm* (a BatchNorm node) and the
/// seed exporter's decomposed <c>x * k + d</c>, which FoldConstants has reduced to a Mul by a constant
/// followed by an Add (or Sub) of one.
/// </summary>
/// <remarks>
/// Requires constant parameters (after FoldConstants) and biases already fused (after FuseBias, so
/// the Mul reads the layer itself). Guarantees that no per-channel constant Mul, Add, Sub or
/// BatchNorm directly follows a linear layer that only it reads. A batch norm after anything else
/// (a ReLU, an input) stays; the executor runs it.
/// </remarks>
public sealed class FoldBatchNorm : IPass
{
    public string Name => nameof(FoldBatchNorm);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        foreach (var original in graph.Nodes)
        {
            if (!editor.Contains(original.Name))
            {
                continue;
            }

            var folded = editor[original.Name] switch
            {
                Mul mul => FoldScale(editor, mul),
                BatchNorm bn => FoldFused(editor, bn),
                _ => null,
            };

            // The shift of a decomposed batch norm is the next node: absorb it into the same layer.
            if (folded is not null && editor.Consumers(folded).ToList() is [var next])
            {
                LinearFolding.TryAbsorbShift(editor, next);
            }
        }

        return editor.ToGraph();
    }

    /// <summary>Folds <c>Mul(layer, k)</c>; returns the layer's name afterwards, or null.</summary>
    private static string? FoldScale(GraphEditor editor, Mul mul)
    {
        var (value, constant) = editor[mul.B] is Constant ? (mul.A, mul.B) : (mul.B, mul.A);
        if (editor[constant] is not Constant c || LinearFolding.FoldableProducer(editor, value, mul.Name) is not { } linear ||
            !mul.Shape.Equals(linear.Shape) || LinearFolding.ChannelVector(c.Value, linear.Shape) is not { } k)
        {
            return null;
        }

        var bias = linear.Bias is null ? null : LinearFolding.BiasValues(editor, linear);
        for (var i = 0; bias is not null && i < bias.Length; i++)
        {
            bias[i] *= k[i];
        }

        var weights = LinearFolding.ScaleOutputChannels(LinearFolding.Weights(editor, linear), k);
        return editor.ReplaceChain(linear.Name, mul.Name, LinearFolding.WithParameters(editor, linear, weights, bias));
    }

    private static string? FoldFused(GraphEditor editor, BatchNorm bn)
    {
        var parameters = new[] { bn.Scale, bn.Offset, bn.Mean, bn.Variance }.Select(n => editor[n]).OfType<Constant>().ToList();
        if (parameters.Count != 4 || LinearFolding.FoldableProducer(editor, bn.X, bn.Name) is not { } linear)
        {
            return null;
        }

        var (scale, offset, mean, variance) = (parameters[0].Value, parameters[1].Value, parameters[2].Value, parameters[3].Value);
        var k = new float[scale.Length];
        var bias = LinearFolding.BiasValues(editor, linear);
        for (var i = 0; i < k.Length; i++)
        {
            k[i] = scale[i] / MathF.Sqrt(variance[i] + bn.Epsilon);
            bias[i] = (bias[i] * k[i]) + (offset[i] - (mean[i] * k[i]));
        }

        var weights = LinearFolding.ScaleOutputChannels(LinearFolding.Weights(editor, linear), k);
        return editor.ReplaceChain(linear.Name, bn.Name, LinearFolding.WithParameters(editor, linear, weights, bias));
    }
}
