using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>The element type of a value. Everything is float32 but ArgMax's indices.</summary>
public enum ElementType
{
    Float32,
    Int64,
}

/// <summary>A 2-D window size or stride (height, width).</summary>
public readonly record struct Window(int H, int W)
{
    public int Area => H * W;

    public override string ToString() => FormattableString.Invariant($"[{H},{W}]");
}

/// <summary>Explicit spatial padding; the frontend resolves TensorFlow's SAME/VALID into it.</summary>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    public static readonly Padding2D None = default;

    public bool IsNone => this == None;

    public override string ToString() => FormattableString.Invariant($"[{Top},{Bottom},{Left},{Right}]");
}

/// <summary>
/// One operation of the IR. Every node produces exactly one value, named like the node; inputs
/// refer to other nodes by name. Nodes are immutable: passes build new graphs.
/// </summary>
/// <remarks>
/// Each concrete node is a sealed record with its own <see cref="INodeVisitor{T}"/> method, so a
/// visitor (shape inference, executor, printer, cost model, later the lowering) that forgets a new
/// node type does not compile.
/// </remarks>
public abstract record Node(string Name, Shape Shape)
{
    /// <summary>The operation's name in IR dumps (e.g. "Conv2D").</summary>
    public abstract string Op { get; }

    /// <summary>The names of the values this node reads, in operand order.</summary>
    public abstract ImmutableArray<string> Inputs { get; }

    public virtual ElementType ElementType => ElementType.Float32;

    /// <summary>This node reading <paramref name="inputs"/> instead (same count and order as <see cref="Inputs"/>).</summary>
    public abstract Node WithInputs(ImmutableArray<string> inputs);

    public abstract T Accept<T>(INodeVisitor<T> visitor);

    /// <summary>This node with every input renamed by <paramref name="rename"/>.</summary>
    public Node MapInputs(Func<string, string> rename)
    {
        var inputs = Inputs;
        var changed = inputs.Select(rename).ToImmutableArray();
        return changed.AsSpan().SequenceEqual(inputs.AsSpan()) ? this : WithInputs(changed);
    }

    protected static void CheckArity(ImmutableArray<string> inputs, int count, string op)
    {
        if (inputs.Length != count)
        {
            throw new ArgumentException($"{op} takes {count} inputs, got {inputs.Length}");
        }
    }
}

/// <summary>A graph input (TensorFlow Placeholder).</summary>
public sealed record Input(string Name, Shape Shape) : Node(Name, Shape)
{
    public override string Op => "Input";

    public override ImmutableArray<string> Inputs => [];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 0, Op);
        return this;
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>A constant (weights, biases, batch-norm parameters after folding).</summary>
public sealed record Constant(string Name, Tensor Value) : Node(Name, Value.Shape)
{
    public override string Op => "Constant";

    public override ImmutableArray<string> Inputs => [];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 0, Op);
        return this;
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>The value of <paramref name="X"/> unchanged (removed by RemoveIdentities).</summary>
public sealed record Identity(string Name, Shape Shape, string X) : Node(Name, Shape)
{
    public override string Op => "Identity";

    public override ImmutableArray<string> Inputs => [X];

    public override Node WithInputs(ImmutableArray<string> inputs)
    {
        CheckArity(inputs, 1, Op);
        return this with { X = inputs[0] };
    }

    public override T Accept<T>(INodeVisitor<T> visitor) => visitor.Visit(this);
}
