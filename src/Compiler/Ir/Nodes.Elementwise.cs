using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>An elementwise function of one value.</summary>
public abstract record UnaryNode(string Name, Shape Shape, string X) : Node(Name, Shape)
{
    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }
}

/// <summary>An elementwise function of two values with NumPy/TensorFlow broadcasting.</summary>
public abstract record BinaryNode(string Name, Shape Shape, string A, string B) : Node(Name, Shape)
{
    public override ImmutableArray<string> Inputs => [A, B];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 2, Op);
        return this with { A = inputs[0], B = inputs[1] };
    }
}

public sealed record Add(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Add";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Sub(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Sub";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Mul(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Mul";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Div(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Div";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Maximum(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Maximum";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Minimum(string Name, Shape Shape, string A, string B) : BinaryNode(Name, Shape, A, B)
{
    public override string Op => "Minimum";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Rsqrt(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Rsqrt";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Sqrt(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Sqrt";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Relu(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Relu";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary><c>min(max(x, 0), 6)</c>.</summary>
public sealed record Relu6(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Relu6";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

public sealed record Sigmoid(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Sigmoid";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Softmax over the last axis (an output layer).</summary>
public sealed record Softmax(string Name, Shape Shape, string X) : UnaryNode(Name, Shape, X)
{
    public override string Op => "Softmax";

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>The index of the largest element along <paramref name="Axis"/> (first one on ties, as TensorFlow).</summary>
public sealed record ArgMax(string Name, Shape Shape, string X, int Axis) : Node(Name, Shape)
{
    public override string Op => "ArgMax";

    public override ImmutableArray<string> Inputs => [X];

    public override ElementType ElementType => ElementType.Int64;

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}
