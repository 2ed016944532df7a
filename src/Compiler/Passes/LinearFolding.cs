using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// What FuseBias, FoldBatchNorm and FoldAvgPoolDivisor share: finding a linear layer that may
/// absorb what follows it, and rewriting its constant weights per output channel.
/// </summary>
internal static class LinearFolding
{
    /// <summary>
    /// The linear layer producing <paramref name="value"/> if a following per-channel operation can
    /// be folded into it: constant weights and bias, read only by <paramref name="reader"/>, and not
    /// a graph output (its own value would change).
    /// </summary>
    public static LinearNode? FoldableProducer(GraphEditor editor, string value, string reader)
    {
        if (!editor.Contains(value) || editor[value] is not LinearNode linear || editor.IsOutput(value) ||
            editor[linear.Weights] is not Constant || (linear.Bias is not null && editor[linear.Bias] is not Constant))
        {
            return null;
        }

        var consumers = editor.Consumers(value).ToList();
        return consumers.Count == 1 && consumers[0].Name == reader && consumers[0].Inputs.Count(i => i == value) == 1 ? linear : null;
    }

    /// <summary>
    /// The values of a constant that varies at most along the last axis of <paramref name="target"/>
    /// (shape [], [C], [1,1,1,C] ...), expanded to target.Last values; null for any other shape.
    /// </summary>
    public static float[]? ChannelVector(Tensor constant, Shape target)
    {
        var shape = constant.Shape;
        var channels = target.Last;
        if (shape.Rank > target.Rank || shape.Dims.Take(shape.Rank - 1).Any(d => d != 1) ||
            (shape.Rank > 0 && shape.Last != 1 && shape.Last != channels))
        {
            return null;
        }

        var values = new float[channels];
        for (var i = 0; i < channels; i++)
        {
            values[i] = constant.Length == 1 ? constant[0] : constant[i];
        }

        return values;
    }

    /// <summary>
    /// Weights times <paramref name="k"/> per output channel. In every layout we keep (Conv2D HWIO,
    /// DepthwiseConv2D [KH,KW,C,M] with channel c*M+m, MatMul KxN) the output channel is the flat
    /// index modulo the channel count.
    /// </summary>
    public static Tensor ScaleOutputChannels(Tensor weights, ReadOnlySpan<float> k)
    {
        var w = weights.Span;
        var scaled = new float[w.Length];
        for (var i = 0; i < w.Length; i++)
        {
            scaled[i] = w[i] * k[i % k.Length];
        }

        return Tensor.Own(weights.Shape, scaled);
    }

    /// <summary>The layer's bias values, or zeros when it has none.</summary>
    public static float[] BiasValues(GraphEditor editor, LinearNode linear) =>
        linear.Bias is null ? new float[linear.Shape.Last] : ((Constant)editor[linear.Bias]).Value.ToArray();

    public static Tensor Weights(GraphEditor editor, LinearNode linear) => ((Constant)editor[linear.Weights]).Value;

    /// <summary>
    /// The layer reading new weight and bias constants, named <c>layer/weights</c> and <c>layer/bias</c>.
    /// A constant of that name that only this layer reads (a pass made it earlier) is overwritten, so
    /// folding several steps into one layer does not leave <c>bias_1</c>, <c>bias_2</c>...
    /// </summary>
    public static LinearNode WithParameters(GraphEditor editor, LinearNode linear, Tensor? weights, float[]? bias)
    {
        var result = linear;
        if (weights is not null)
        {
            result = result with { Weights = SetConstant(editor, linear, linear.Weights, "/weights", weights) };
        }

        if (bias is not null)
        {
            result = result with { Bias = SetConstant(editor, linear, linear.Bias, "/bias", Tensor.Own(Shape.Of(bias.Length), bias)) };
        }

        return result;
    }

    private static string SetConstant(GraphEditor editor, LinearNode linear, string? current, string suffix, Tensor value)
    {
        var name = linear.Name + suffix;
        if (current == name && editor.Consumers(name).All(c => c.Name == linear.Name))
        {
            editor.Replace(new Constant(name, value));
            return name;
        }

        return editor.AddConstant(name, value);
    }

    /// <summary>
    /// Folds <paramref name="node"/> into the layer before it when it adds (BiasAdd, Add) or
    /// subtracts (Sub) a per-channel constant from that layer's output.
    /// </summary>
    public static bool TryAbsorbShift(GraphEditor editor, Node node)
    {
        var (value, constant, sign) = node switch
        {
            BiasAdd b => (b.X, b.Bias, 1f),
            Add a when editor[a.B] is Constant => (a.A, a.B, 1f),
            Add a when editor[a.A] is Constant => (a.B, a.A, 1f),
            Sub s when editor[s.B] is Constant => (s.A, s.B, -1f),
            _ => (string.Empty, string.Empty, 0f),
        };

        if (sign == 0f || editor[constant] is not Constant c || FoldableProducer(editor, value, node.Name) is not { } linear ||
            !node.Shape.Equals(linear.Shape) || ChannelVector(c.Value, linear.Shape) is not { } shift)
        {
            return false;
        }

        var bias = BiasValues(editor, linear);
        for (var i = 0; i < bias.Length; i++)
        {
            bias[i] += sign * shift[i];
        }

        // Rewire first, so that the tail's name is free (and taken over when the tail is an output)
        // before the new bias constant is named after the layer.
        var name = editor.ReplaceChain(linear.Name, node.Name, linear);
        editor.Replace(WithParameters(editor, (LinearNode)editor[name], null, bias));
        return true;
    }
}
