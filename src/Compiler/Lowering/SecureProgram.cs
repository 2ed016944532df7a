using System.Collections.Immutable;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Planning;
using Mpc.Runtime.Kernels;

namespace Mpc.Compiler.Lowering;

/// <summary>
/// A model lowered to protocol operations: what the emitter prints, with every decision made.
/// Values are buffers of shares in numbered slots (reused once their last reader has run); weights
/// are the folded graph's constants, shared by the model owner in <see cref="Weights"/> order.
/// </summary>
public sealed record SecureProgram(
    string Name,
    string SourceFile,
    string Fingerprint,
    int BatchSize,
    SecureValue Input,
    SecureValue Output,
    string OutputTail,
    FixedPointPlan Plan,
    ImmutableArray<SecureStep> Steps,
    ImmutableArray<WeightSpec> Weights,
    ImmutableArray<int> SlotLengths,
    ImmutableArray<string> Protocols,
    ImmutableArray<string> ProtocolNotes);

/// <summary>A buffer of shares: the value of IR node <paramref name="Node"/>, encoded with <paramref name="FracBits"/> fractional bits.</summary>
public sealed record SecureValue(string Node, Shape Shape, int FracBits, int Slot)
{
    public int Length => Shape.ElementCount;
}

/// <summary>A tensor the model owner shares: constant <paramref name="Node"/> of the folded graph, encoded with <paramref name="FracBits"/> bits.</summary>
public sealed record WeightSpec(string Layer, string Node, Shape Shape, int FracBits)
{
    public int Length => Shape.ElementCount;
}

/// <summary>An activation fused into the step that produces its input (one layer file).</summary>
public enum Activation
{
    None,
    Relu,
    Relu6,
    Sigmoid,
}

/// <summary>One layer of the generated code. <see cref="Index"/> is its position; its C# class is <see cref="ClassName"/>.</summary>
public abstract record SecureStep(int Index, string Node, SecureValue Output)
{
    public abstract string Op { get; }

    public abstract ImmutableArray<SecureValue> Inputs { get; }

    /// <summary>Multiply-accumulates (linear layers) and comparisons (ReLU, max pooling), for progress and inspect.</summary>
    public virtual long Macs => 0;

    public virtual long Comparisons => 0;

    /// <summary>The generated class: <c>L03Conv2D</c> (index and operation; the node name is in its comment).</summary>
    public string ClassName => $"L{Index:00}{Op}";

    public abstract T Accept<T>(ISecureStepVisitor<T> visitor);
}

/// <summary>Conv2D or MatMul (+ bias) by Beaver triples with the fixed weight mask, then truncation and a fused activation.</summary>
public sealed record LinearStep(
    int Index,
    string Node,
    SecureValue Output,
    SecureValue X,
    Conv2DGeometry? Conv,
    (int Rows, int Inner, int Columns)? Dense,
    WeightSpec Filter,
    WeightSpec? Bias,
    TruncationDecision? Truncation,
    Activation Activation) : SecureStep(Index, Node, Output)
{
    public override string Op => Conv is null ? "MatMul" : "Conv2D";

    public override ImmutableArray<SecureValue> Inputs => [X];

    public override long Macs => Conv is { } g ? g.Macs : (long)Dense!.Value.Rows * Dense.Value.Inner * Dense.Value.Columns;

    public override long Comparisons => Activation is Activation.Relu ? Output.Length : Activation is Activation.Relu6 ? 2L * Output.Length : 0;

    /// <summary>Fractional bits of the product before truncation.</summary>
    public int ProductFracBits => X.FracBits + Filter.FracBits;

    public override T Accept<T>(ISecureStepVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>An activation on its own (its input has other readers or is not a linear layer).</summary>
public sealed record ActivationStep(int Index, string Node, SecureValue Output, SecureValue X, Activation Activation) : SecureStep(Index, Node, Output)
{
    public override string Op => Activation.ToString();

    public override ImmutableArray<SecureValue> Inputs => [X];

    public override long Comparisons => Activation is Activation.Relu ? Output.Length : Activation is Activation.Relu6 ? 2L * Output.Length : 0;

    public override T Accept<T>(ISecureStepVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Pooling: a local window sum, a sum times public 1/n and a truncation, or a secure max (pairwise comparisons).</summary>
public sealed record PoolStep(int Index, string Node, SecureValue Output, SecureValue X, PoolKind Kind, PoolGeometry Geometry, TruncationDecision? Truncation)
    : SecureStep(Index, Node, Output)
{
    public override string Op => Kind.ToString() + "Pool";

    public override ImmutableArray<SecureValue> Inputs => [X];

    public override long Comparisons => Kind == PoolKind.Max ? (long)Geometry.OutputLength * ((Geometry.KH * Geometry.KW) - 1) : 0;

    public override T Accept<T>(ISecureStepVisitor<T> visitor) => visitor.Visit(this);
}

public enum PoolKind
{
    Sum,
    Average,
    Max,
}

/// <summary>A local rearrangement of shares (Transpose, Pad with zeros, Concat): no communication.</summary>
public sealed record LayoutStep(int Index, string Node, SecureValue Output, ImmutableArray<SecureValue> Xs, LayoutKind Kind, ImmutableArray<int> Parameters)
    : SecureStep(Index, Node, Output)
{
    public override string Op => Kind.ToString();

    public override ImmutableArray<SecureValue> Inputs => Xs;

    public override T Accept<T>(ISecureStepVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>Transpose: Parameters is the permutation. Pad: before/after per axis. Concat: the axis.</summary>
public enum LayoutKind
{
    Transpose,
    Pad,
    Concat,
}

/// <summary>Elementwise sum or difference of two shared values of equal scale and shape (local).</summary>
public sealed record AddStep(int Index, string Node, SecureValue Output, SecureValue A, SecureValue B, bool Subtract) : SecureStep(Index, Node, Output)
{
    public override string Op => Subtract ? "Sub" : "Add";

    public override ImmutableArray<SecureValue> Inputs => [A, B];

    public override T Accept<T>(ISecureStepVisitor<T> visitor) => visitor.Visit(this);
}

/// <summary>One method per step type: an emitter that misses a new step does not compile.</summary>
public interface ISecureStepVisitor<out T>
{
    T Visit(LinearStep step);

    T Visit(ActivationStep step);

    T Visit(PoolStep step);

    T Visit(LayoutStep step);

    T Visit(AddStep step);
}
