using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>Linear layers, pooling and batch normalisation.</summary>
internal static partial class Converters
{
    private static void Conv2D(ConversionContext c)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        var (x, w, strides, padding) = Convolution(c);
        c.Emit(new Ir.Conv2D(c.Node.Name, ShapeInference.Conv2D(c.ShapeOf(x), c.ShapeOf(w), strides, padding), x, w, null, strides, padding));
    }

    private static void DepthwiseConv2D(ConversionContext c)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        var (x, w, strides, padding) = Convolution(c);
        c.Emit(new Ir.DepthwiseConv2D(c.Node.Name, ShapeInference.DepthwiseConv2D(c.ShapeOf(x), c.ShapeOf(w), strides, padding),
            x, w, null, strides, padding));
    }

    private static (string X, string W, Window Strides, Padding2D Padding) Convolution(ConversionContext c)
    {
        c.Node.RequireNhwc();
        var dilations = c.Node.Ints("dilations");
        if (dilations is not null && dilations.Any(d => d != 1))
        {
            throw new ImportException(Problem.UnsupportedAttribute, $"dilations [{string.Join(",", dilations)}]; only dilation 1 is supported");
        }

        var x = c.Value(0);
        var w = c.Value(1);
        var input = c.ShapeOf(x);
        var filter = c.ShapeOf(w);
        if (input.Rank != 4 || filter.Rank != 4)
        {
            throw new ImportException(Problem.InvalidNode, $"input {input} and filter {filter} must both have rank 4");
        }

        var strides = SpatialWindow(c, "strides");
        return (x, w, strides, ResolvePadding(c, input, filter[0], filter[1], strides));
    }

    private static void Pool(ConversionContext c, Func<string, Shape, string, Window, Window, Padding2D, Node> make)
    {
        c.RequireInputs(1);
        c.Node.RequireFloat();
        c.Node.RequireNhwc();
        var x = c.Value(0);
        var input = c.ShapeOf(x);
        if (input.Rank != 4)
        {
            throw new ImportException(Problem.InvalidNode, $"input {input} must have rank 4 (NHWC)");
        }

        var size = SpatialWindow(c, "ksize");
        var strides = SpatialWindow(c, "strides");
        var padding = ResolvePadding(c, input, size.H, size.W, strides);
        c.Emit(make(c.Node.Name, ShapeInference.Pool(input, size, strides, padding), x, size, strides, padding));
    }

    /// <summary>A 4-entry NHWC list attribute whose batch and channel entries are 1.</summary>
    private static Window SpatialWindow(ConversionContext c, string attribute)
    {
        var v = c.Node.RequireInts(attribute, 4);
        if (v[0] != 1 || v[3] != 1)
        {
            throw new ImportException(Problem.UnsupportedAttribute,
                $"{attribute} [{string.Join(",", v)}]; only windows over height and width are supported");
        }

        if (v[1] < 1 || v[2] < 1 || v[1] > int.MaxValue || v[2] > int.MaxValue)
        {
            throw new ImportException(Problem.InvalidNode, $"{attribute} [{string.Join(",", v)}] must be positive");
        }

        return new Window((int)v[1], (int)v[2]);
    }

    /// <summary>
    /// TensorFlow's SAME: output = ceil(input / stride), the padding needed split with the smaller
    /// half before (top/left). VALID: no padding.
    /// </summary>
    private static Padding2D ResolvePadding(ConversionContext c, Shape input, int kh, int kw, Window strides)
    {
        switch (c.Node.String("padding"))
        {
            case "VALID":
                return Padding2D.None;
            case "SAME":
                var (top, bottom) = Same(input[1], kh, strides.H);
                var (left, right) = Same(input[2], kw, strides.W);
                return new Padding2D(top, bottom, left, right);
            case null:
                throw new ImportException(Problem.InvalidNode, "attribute padding is missing");
            case var other:
                throw new ImportException(Problem.UnsupportedAttribute, $"padding {other}; only SAME and VALID are supported");
        }

        static (int Before, int After) Same(int size, int k, int stride)
        {
            var output = (size + stride - 1) / stride;
            var total = Math.Max(((output - 1) * stride) + k - size, 0);
            return (total / 2, total - (total / 2));
        }
    }

    private static void BiasAdd(ConversionContext c)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        c.Node.RequireNhwc();
        var x = c.Value(0);
        var b = c.Value(1);
        ShapeInference.RequireChannelVector(c.ShapeOf(x), c.ShapeOf(b), "bias");
        c.Emit(new Ir.BiasAdd(c.Node.Name, c.ShapeOf(x), x, b));
    }

    /// <summary>
    /// MatMul; transpose_a/transpose_b become Transpose nodes, which constant folding applies to
    /// constant weights, so the folded graph always holds KxN weights.
    /// </summary>
    private static void MatMul(ConversionContext c)
    {
        c.RequireInputs(2);
        c.Node.RequireFloat();
        var a = Transposed(c, c.Value(0), c.Node.Bool("transpose_a") ?? false, "transpose_a");
        var b = Transposed(c, c.Value(1), c.Node.Bool("transpose_b") ?? false, "transpose_b");
        c.Emit(new Ir.MatMul(c.Node.Name, ShapeInference.MatMul(c.ShapeOf(a), c.ShapeOf(b)), a, b, null));
    }

    private static string Transposed(ConversionContext c, string value, bool transpose, string suffix)
    {
        if (!transpose)
        {
            return value;
        }

        var shape = c.ShapeOf(value);
        if (shape.Rank != 2)
        {
            throw new ImportException(Problem.InvalidNode, $"operand {shape} of a matrix product must have rank 2");
        }

        var name = c.SubName(suffix);
        c.Emit(new Ir.Transpose(name, Shape.Of(shape[1], shape[0]), value, [1, 0]));
        return name;
    }

    /// <summary>
    /// FusedBatchNorm, V2 and V3 in inference mode. TensorFlow's default for is_training is true, so a
    /// node without the attribute is in training mode (batch statistics) and is refused.
    /// </summary>
    private static void FusedBatchNorm(ConversionContext c)
    {
        if (c.Node.Inputs.Count < 5)
        {
            throw new ImportException(Problem.InvalidNode, $"{c.Node.Op} has {c.Node.Inputs.Count} inputs, expected 5");
        }

        c.Node.RequireFloat();
        c.Node.RequireNhwc();
        switch (c.Node.Bool("is_training"))
        {
            case null:
                throw new ImportException(Problem.UnsupportedAttribute, "is_training is absent, and TensorFlow's default is true (training mode)");
            case true:
                throw new ImportException(Problem.UnsupportedAttribute, "is_training true (training mode); only inference batch norm is supported");
        }

        var x = c.Value(0);
        var node = new BatchNorm(c.Node.Name, c.ShapeOf(x), x, c.Value(1), c.Value(2), c.Value(3), c.Value(4),
            c.Node.Float("epsilon") ?? 1e-4f);
        c.Emit(node with { Shape = ShapeInference.Infer(node, c.ShapeOf) });
    }
}
