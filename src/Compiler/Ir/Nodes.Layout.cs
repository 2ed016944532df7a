using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>The same elements in the same order under <see cref="Node.Shape"/> (also Squeeze and ExpandDims).</summary>
public sealed record Reshape(string Name, Shape Shape, string X) : Node(Name, Shape)
{
    public override string Op => "Reshape";

    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Output axis <c>i</c> is input axis <c>Perm[i]</c>.</summary>
public sealed record Transpose(string Name, Shape Shape, string X, ImmutableArray<int> Perm) : Node(Name, Shape)
{
    public override string Op => "Transpose";

    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Zero padding; <c>Pads[2i]</c> before and <c>Pads[2i+1]</c> after axis <c>i</c>.</summary>
public sealed record Pad(string Name, Shape Shape, string X, ImmutableArray<int> Pads) : Node(Name, Shape)
{
    public override string Op => "Pad";

    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Concatenation along <paramref name="Axis"/>.</summary>
public sealed record Concat(string Name, Shape Shape, ImmutableArray<string> Xs, int Axis) : Node(Name, Shape)
{
    public override string Op => "Concat";

    public override ImmutableArray<string> Inputs => Xs;

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, Xs.Length, Op);
        return this with { Xs = inputs };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>A reduction over <see cref="Axes"/> (sorted, distinct, non-negative).</summary>
public abstract record ReduceNode(string Name, Shape Shape, string X, ImmutableArray<int> Axes, bool KeepDims) : Node(Name, Shape)
{
    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }
}

/// <summary>Mean over axes; over H and W of NHWC it is global average pooling.</summary>
public sealed record ReduceMean(string Name, Shape Shape, string X, ImmutableArray<int> Axes, bool KeepDims)
    : ReduceNode(Name, Shape, X, Axes, KeepDims)
{
    public override string Op => "ReduceMean";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record ReduceMax(string Name, Shape Shape, string X, ImmutableArray<int> Axes, bool KeepDims)
    : ReduceNode(Name, Shape, X, Axes, KeepDims)
{
    public override string Op => "ReduceMax";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record ReduceMin(string Name, Shape Shape, string X, ImmutableArray<int> Axes, bool KeepDims)
    : ReduceNode(Name, Shape, X, Axes, KeepDims)
{
    public override string Op => "ReduceMin";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}
