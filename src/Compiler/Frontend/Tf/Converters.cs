using System.Collections.Frozen;
using System.Collections.Immutable;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Frontend.Tf.Proto;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>
/// One converter per supported TensorFlow op: checks the attributes TensorFlow would honour and
/// emits IR nodes with static shapes. A table, not reflection, so the library stays AOT-clean.
/// </summary>
internal static partial class Converters
{
    public static readonly FrozenDictionary<string, Action<ConversionContext>> ByOp =
        new Dictionary<string, Action<ConversionContext>>(StringComparer.Ordinal)
        {
            ["Placeholder"] = Placeholder,
            ["Const"] = Const,
            ["Identity"] = Identity,
            ["Conv2D"] = Conv2D,
            ["DepthwiseConv2dNative"] = DepthwiseConv2D,
            ["BiasAdd"] = BiasAdd,
            ["MatMul"] = MatMul,
            ["FusedBatchNorm"] = FusedBatchNorm,
            ["FusedBatchNormV2"] = FusedBatchNorm,
            ["FusedBatchNormV3"] = FusedBatchNorm,
            ["AvgPool"] = c => Pool(c, (n, s, x, k, st, p) => new AvgPool(n, s, x, k, st, p)),
            ["MaxPool"] = c => Pool(c, (n, s, x, k, st, p) => new MaxPool(n, s, x, k, st, p)),
            ["Add"] = c => Binary(c, (n, s, a, b) => new Add(n, s, a, b)),
            ["AddV2"] = c => Binary(c, (n, s, a, b) => new Add(n, s, a, b)),
            ["Sub"] = c => Binary(c, (n, s, a, b) => new Sub(n, s, a, b)),
            ["Mul"] = c => Binary(c, (n, s, a, b) => new Mul(n, s, a, b)),
            ["RealDiv"] = c => Binary(c, (n, s, a, b) => new Div(n, s, a, b)),
            ["Maximum"] = c => Binary(c, (n, s, a, b) => new Maximum(n, s, a, b)),
            ["Minimum"] = c => Binary(c, (n, s, a, b) => new Minimum(n, s, a, b)),
            ["Rsqrt"] = c => Unary(c, (n, s, x) => new Rsqrt(n, s, x)),
            ["Sqrt"] = c => Unary(c, (n, s, x) => new Sqrt(n, s, x)),
            ["Relu"] = c => Unary(c, (n, s, x) => new Relu(n, s, x)),
            ["Relu6"] = c => Unary(c, (n, s, x) => new Relu6(n, s, x)),
            ["Sigmoid"] = c => Unary(c, (n, s, x) => new Sigmoid(n, s, x)),
            ["Softmax"] = Softmax,
            ["ArgMax"] = ArgMax,
            ["Reshape"] = Reshape,
            ["Squeeze"] = Squeeze,
            ["ExpandDims"] = ExpandDims,
            ["Transpose"] = Transpose,
            ["Pad"] = Pad,
            ["ConcatV2"] = ConcatV2,
            ["Mean"] = c => Reduce(c, (n, s, x, a, k) => new ReduceMean(n, s, x, a, k)),
            ["Max"] = c => Reduce(c, (n, s, x, a, k) => new ReduceMax(n, s, x, a, k)),
            ["Min"] = c => Reduce(c, (n, s, x, a, k) => new ReduceMin(n, s, x, a, k)),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static void Placeholder(ConversionContext c)
    {
        c.RequireInputs(0);
        c.Node.RequireFloat("dtype");
        var proto = c.Node.Attr("shape") is { ValueCase: AttrValue.ValueOneofCase.Shape } a ? a.Shape : null;
        if (proto is null || proto.UnknownRank)
        {
            throw new ImportException(Problem.DynamicShape, "no static shape (the shape attribute is missing or of unknown rank)");
        }

        var dims = proto.Dim.Select(d => d.Size).ToArray();
        var text = "[" + string.Join(",", dims) + "]";
        var dynamic = dims.Select((d, i) => (d, i)).Where(p => p.d < 0 && p.i > 0).Select(p => p.i).ToList();
        if (dynamic.Count > 0)
        {
            throw new ImportException(Problem.DynamicShape,
                $"shape {text}: dimension{(dynamic.Count > 1 ? "s" : string.Empty)} {string.Join(", ", dynamic)} {(dynamic.Count > 1 ? "are" : "is")} unknown");
        }

        if (dims.Length > 0 && dims[0] < 0)
        {
            dims[0] = c.Options.BatchSize ?? 1;
        }
        else if (dims.Length > 0 && c.Options.BatchSize is { } batch && dims[0] != batch)
        {
            throw new ImportException(Problem.InvalidNode, $"shape {text} has a fixed batch dimension; --batch-size {batch} does not apply");
        }

        if (dims.Any(d => d is 0 or > int.MaxValue))
        {
            throw new ImportException(Problem.InvalidNode, $"shape [{string.Join(",", dims)}] has an empty or oversized dimension");
        }

        c.Emit(new Input(c.Node.Name, Shape.Of(dims.Select(d => (int)d))));
    }

    private static void Const(ConversionContext c)
    {
        c.RequireInputs(0);
        var proto = c.Node.Attr("value") is { ValueCase: AttrValue.ValueOneofCase.Tensor } a ? a.Tensor
            : throw new ImportException(Problem.InvalidNode, "attribute value is missing");
        var tensor = TfTensor.Decode(proto);
        if (tensor.IsFloat)
        {
            c.Emit(new Constant(c.Node.Name, tensor.ToIrTensor()));
        }
        else
        {
            c.DefineInteger(tensor);
        }
    }

    private static void Identity(ConversionContext c)
    {
        c.RequireInputs(1);
        if (c.IsIntegerConstant(0))
        {
            c.Alias(0);
            return;
        }

        var x = c.Value(0);
        c.Emit(new Ir.Identity(c.Node.Name, c.ShapeOf(x), x));
    }

    private static void Unary(ConversionContext c, Func<string, Shape, string, Node> make)
    {
        c.RequireInputs(1);
        c.Node.RequireFloat();
        var x = c.Value(0);
        c.Emit(make(c.Node.Name, c.ShapeOf(x), x));
    }

    private static void Binary(ConversionContext c, Func<string, Shape, string, string, Node> make)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        var a = c.Value(0);
        var b = c.Value(1);
        c.Emit(make(c.Node.Name, ShapeInference.Broadcast(c.ShapeOf(a), c.ShapeOf(b)), a, b));
    }

    private static void Softmax(ConversionContext c)
    {
        c.RequireInputs(1);
        c.Node.RequireFloat();
        var x = c.Value(0);
        var node = new Ir.Softmax(c.Node.Name, c.ShapeOf(x), x);
        c.Emit(node with { Shape = ShapeInference.Infer(node, c.ShapeOf) });
    }

    private static void ArgMax(ConversionContext c)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        if (c.Node.Type("output_type") is { } t && t is not DataType.DtInt64 and not DataType.DtInt32)
        {
            throw new ImportException(Problem.UnsupportedType, $"output_type {TfTensor.TypeName(t)}");
        }

        var x = c.Value(0);
        var shape = c.ShapeOf(x);
        var axis = Axis(c.IntegerConstant(1, "dimension"), shape.Rank, "dimension");
        c.Emit(new Ir.ArgMax(c.Node.Name, ShapeInference.ArgMax(shape, axis), x, axis));
    }

    private static void Reduce(ConversionContext c, Func<string, Shape, string, ImmutableArray<int>, bool, Node> make)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        var x = c.Value(0);
        var shape = c.ShapeOf(x);
        var axes = c.IntegerConstant(1, "reduction_indices").Ints!
            .Select(a => Axis(a, shape.Rank, "reduction_indices")).Distinct().Order().ToImmutableArray();
        var keep = c.Node.Bool("keep_dims") ?? false;
        c.Emit(make(c.Node.Name, ShapeInference.Reduce(shape, axes, keep), x, axes, keep));
    }

    /// <summary>A scalar (or one-element) axis in [-rank, rank), normalised to [0, rank).</summary>
    private static int Axis(TfTensor t, int rank, string what)
    {
        if (t.Ints!.Length != 1)
        {
            throw new ImportException(Problem.InvalidNode, $"{what} must be a single axis, got {t.Ints.Length} values");
        }

        return Axis(t.Ints[0], rank, what);
    }

    private static int Axis(long axis, int rank, string what)
    {
        if (axis < -rank || axis >= Math.Max(rank, 1))
        {
            throw new ImportException(Problem.InvalidNode, $"{what} {axis} is out of range for rank {rank}");
        }

        return (int)(axis < 0 ? axis + rank : axis);
    }
}
