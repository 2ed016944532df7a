using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>
/// A linear layer (the work of secure inference): Conv2D, DepthwiseConv2D, MatMul. The weights are
/// <see cref="Weights"/>, the optional bias a 1-D value over the output channels.
/// </summary>
public abstract record LinearNode(string Name, Shape Shape, string X, string Weights, string? Bias) : Node(Name, Shape)
{
    public override ImmutableArray<string> Inputs => Bias is null ? [X, Weights] : [X, Weights, Bias];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, Inputs.Length, Op);
        return this with { X = inputs[0], Weights = inputs[1], Bias = inputs.Length > 2 ? inputs[2] : null };
    }
}

/// <summary>2-D convolution, NHWC input, HWIO filter <c>[KH, KW, Cin, Cout]</c>, dilation 1.</summary>
public sealed record Conv2D(string Name, Shape Shape, string X, string Weights, string? Bias, Window Strides, Padding2D Padding)
    : LinearNode(Name, Shape, X, Weights, Bias)
{
    public override string Op => "Conv2D";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>
/// Depthwise 2-D convolution, filter <c>[KH, KW, C, M]</c>; output channel <c>c*M + m</c> (TensorFlow's order).
/// </summary>
public sealed record DepthwiseConv2D(string Name, Shape Shape, string X, string Weights, string? Bias, Window Strides, Padding2D Padding)
    : LinearNode(Name, Shape, X, Weights, Bias)
{
    public override string Op => "DepthwiseConv2D";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>
/// Matrix product <c>[M, K] x [K, N]</c>. TensorFlow's transpose attributes become Transpose nodes in
/// the frontend, so after constant folding the weights are always in KxN layout.
/// </summary>
public sealed record MatMul(string Name, Shape Shape, string X, string Weights, string? Bias)
    : LinearNode(Name, Shape, X, Weights, Bias)
{
    public override string Op => "MatMul";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Adds a 1-D bias over the last axis (TensorFlow BiasAdd, NHWC); FuseBias merges it into a linear layer.</summary>
public sealed record BiasAdd(string Name, Shape Shape, string X, string Bias) : Node(Name, Shape)
{
    public override string Op => "BiasAdd";

    public override ImmutableArray<string> Inputs => [X, Bias];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 2, Op);
        return this with { X = inputs[0], Bias = inputs[1] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>
/// Inference-mode batch normalisation over the last axis (TensorFlow FusedBatchNorm*):
/// <c>(x - mean) * scale / sqrt(variance + epsilon) + offset</c>.
/// </summary>
public sealed record BatchNorm(string Name, Shape Shape, string X, string Scale, string Offset, string Mean, string Variance, float Epsilon)
    : Node(Name, Shape)
{
    public override string Op => "BatchNorm";

    public override ImmutableArray<string> Inputs => [X, Scale, Offset, Mean, Variance];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 5, Op);
        return this with { X = inputs[0], Scale = inputs[1], Offset = inputs[2], Mean = inputs[3], Variance = inputs[4] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>A pooling window over NHWC input; explicit padding never contributes.</summary>
public abstract record PoolNode(string Name, Shape Shape, string X, Window Size, Window Strides, Padding2D Padding) : Node(Name, Shape)
{
    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }
}

/// <summary>Average pooling; with SAME padding it divides by the number of valid elements, as TensorFlow does.</summary>
public sealed record AvgPool(string Name, Shape Shape, string X, Window Size, Window Strides, Padding2D Padding)
    : PoolNode(Name, Shape, X, Size, Strides, Padding)
{
    public override string Op => "AvgPool";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Max pooling (padding ignored).</summary>
public sealed record MaxPool(string Name, Shape Shape, string X, Window Size, Window Strides, Padding2D Padding)
    : PoolNode(Name, Shape, X, Size, Strides, Padding)
{
    public override string Op => "MaxPool";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>
/// Sum over each window: an AvgPool whose constant divisor FoldAvgPoolDivisor moved into the next
/// linear layer's weights (a sum is free under additive sharing; a division needs a truncation).
/// </summary>
public sealed record SumPool(string Name, Shape Shape, string X, Window Size, Window Strides, Padding2D Padding)
    : PoolNode(Name, Shape, X, Size, Strides, Padding)
{
    public override string Op => "SumPool";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}
