using System.Collections.Immutable;
using Mpc.Runtime.Kernels;

namespace Mpc.Compiler.Ir;

/// <summary>
/// Static shape rules for every operation, in one place: the frontend uses them to give each new
/// node its shape and the verifier uses them to check every node after every pass.
/// </summary>
public static class ShapeInference
{
    /// <summary>Recomputes the output shape of <paramref name="node"/> from its inputs' shapes.</summary>
    public static Shape Infer(Node node, Func<string, Shape> shapeOf) => node.Accept(new Visitor(shapeOf));

    /// <summary>NumPy broadcasting: dimensions are matched from the right; a 1 stretches.</summary>
    public static Shape Broadcast(Shape a, Shape b)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            var db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
            {
                throw new ShapeException($"shapes {a} and {b} do not broadcast");
            }

            dims[i] = da == 1 ? db : da;
        }

        return Shape.Of(dims);
    }

    public static Shape Conv2D(Shape x, Shape filter, Window strides, Padding2D padding)
    {
        RequireRank(x, 4, "input");
        RequireRank(filter, 4, "filter");
        if (filter[2] != x[3])
        {
            throw new ShapeException($"filter {filter} expects {filter[2]} input channels, the input {x} has {x[3]}");
        }

        var g = new Conv2DGeometry(x[0], x[1], x[2], x[3], filter[3], filter[0], filter[1], strides.H, strides.W,
            padding.Top, padding.Left, padding.Bottom, padding.Right);
        CheckWindow(g.OutH, g.OutW, x, filter[0], filter[1]);
        return Shape.Of(x[0], g.OutH, g.OutW, filter[3]);
    }

    public static Shape DepthwiseConv2D(Shape x, Shape filter, Window strides, Padding2D padding)
    {
        RequireRank(x, 4, "input");
        RequireRank(filter, 4, "filter");
        if (filter[2] != x[3])
        {
            throw new ShapeException($"depthwise filter {filter} expects {filter[2]} channels, the input {x} has {x[3]}");
        }

        var p = Pool(x, new Window(filter[0], filter[1]), strides, padding);
        return p.With(3, x[3] * filter[3]);
    }

    public static Shape Pool(Shape x, Window size, Window strides, Padding2D padding)
    {
        RequireRank(x, 4, "input");
        if (size.H < 1 || size.W < 1 || strides.H < 1 || strides.W < 1)
        {
            throw new ShapeException($"window {size} and strides {strides} must be positive");
        }

        var outH = ((x[1] + padding.Top + padding.Bottom - size.H) / strides.H) + 1;
        var outW = ((x[2] + padding.Left + padding.Right - size.W) / strides.W) + 1;
        CheckWindow(outH, outW, x, size.H, size.W);
        return Shape.Of(x[0], outH, outW, x[3]);
    }

    public static Shape MatMul(Shape a, Shape b)
    {
        RequireRank(a, 2, "left operand");
        RequireRank(b, 2, "right operand");
        if (a[1] != b[0])
        {
            throw new ShapeException($"cannot multiply {a} by {b}");
        }

        return Shape.Of(a[0], b[1]);
    }

    public static Shape Transpose(Shape x, ImmutableArray<int> perm)
    {
        if (perm.Length != x.Rank || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
        {
            throw new ShapeException($"[{string.Join(',', perm)}] is not a permutation of the {x.Rank} axes of {x}");
        }

        return Shape.Of(perm.Select(p => x[p]));
    }

    public static Shape Pad(Shape x, ImmutableArray<int> pads)
    {
        if (pads.Length != 2 * x.Rank || pads.Any(p => p < 0))
        {
            throw new ShapeException($"padding [{string.Join(',', pads)}] does not fit {x} (2 non-negative amounts per axis)");
        }

        return Shape.Of(x.Dims.Select((d, i) => d + pads[2 * i] + pads[(2 * i) + 1]));
    }

    public static Shape Concat(IReadOnlyList<Shape> xs, int axis)
    {
        if (xs.Count == 0)
        {
            throw new ShapeException("concatenation of nothing");
        }

        var first = xs[0];
        if (axis < 0 || axis >= first.Rank)
        {
            throw new ShapeException($"axis {axis} is out of range for {first}");
        }

        var total = 0;
        foreach (var s in xs)
        {
            if (s.Rank != first.Rank || Enumerable.Range(0, s.Rank).Any(i => i != axis && s[i] != first[i]))
            {
                throw new ShapeException($"cannot concatenate {s} with {first} along axis {axis}");
            }

            total += s[axis];
        }

        return first.With(axis, total);
    }

    public static Shape Reduce(Shape x, ImmutableArray<int> axes, bool keepDims)
    {
        if (axes.Any(a => a < 0 || a >= x.Rank) || axes.Distinct().Count() != axes.Length)
        {
            throw new ShapeException($"reduction axes [{string.Join(',', axes)}] do not fit {x}");
        }

        return keepDims
            ? Shape.Of(x.Dims.Select((d, i) => axes.Contains(i) ? 1 : d))
            : Shape.Of(x.Dims.Where((_, i) => !axes.Contains(i)));
    }

    public static Shape ArgMax(Shape x, int axis)
    {
        if (axis < 0 || axis >= x.Rank)
        {
            throw new ShapeException($"axis {axis} is out of range for {x}");
        }

        return Shape.Of(x.Dims.Where((_, i) => i != axis));
    }

    public static Shape Reshape(Shape x, Shape target)
    {
        if (x.ElementCount != target.ElementCount)
        {
            throw new ShapeException($"cannot reshape {x} ({x.ElementCount} elements) to {target} ({target.ElementCount} elements)");
        }

        return target;
    }

    /// <summary>A per-channel vector for a value of shape <paramref name="x"/>: rank 1, length = last dimension.</summary>
    public static void RequireChannelVector(Shape x, Shape v, string what)
    {
        if (v.Rank != 1 || v[0] != x.Last)
        {
            throw new ShapeException($"{what} {v} must be a vector of {x.Last} values (the last dimension of {x})");
        }
    }

    private static void RequireRank(Shape s, int rank, string what)
    {
        if (s.Rank != rank)
        {
            throw new ShapeException($"{what} {s} must have rank {rank}");
        }
    }

    private static void CheckWindow(int outH, int outW, Shape x, int kh, int kw)
    {
        if (outH < 1 || outW < 1)
        {
            throw new ShapeException($"window {kh}x{kw} does not fit input {x}");
        }
    }

    private sealed class Visitor(Func<string, Shape> shapeOf) : INodeVisitor<Shape>
    {
        public Shape Visit(Input node) => node.Shape;

        public Shape Visit(Constant node) => node.Value.Shape;

        public Shape Visit(Identity node) => shapeOf(node.X);

        public Shape Visit(Conv2D node) => WithBias(node, Conv2D(shapeOf(node.X), shapeOf(node.Weights), node.Strides, node.Padding));

        public Shape Visit(DepthwiseConv2D node) =>
            WithBias(node, DepthwiseConv2D(shapeOf(node.X), shapeOf(node.Weights), node.Strides, node.Padding));

        public Shape Visit(MatMul node) => WithBias(node, MatMul(shapeOf(node.X), shapeOf(node.Weights)));

        public Shape Visit(BiasAdd node)
        {
            var x = shapeOf(node.X);
            RequireChannelVector(x, shapeOf(node.Bias), "bias");
            return x;
        }

        public Shape Visit(BatchNorm node)
        {
            var x = shapeOf(node.X);
            RequireChannelVector(x, shapeOf(node.Scale), "scale");
            RequireChannelVector(x, shapeOf(node.Offset), "offset");
            RequireChannelVector(x, shapeOf(node.Mean), "mean");
            RequireChannelVector(x, shapeOf(node.Variance), "variance");
            return x;
        }

        public Shape Visit(AvgPool node) => Pool(node);

        public Shape Visit(MaxPool node) => Pool(node);

        public Shape Visit(SumPool node) => Pool(node);

        public Shape Visit(Add node) => Binary(node);

        public Shape Visit(Sub node) => Binary(node);

        public Shape Visit(Mul node) => Binary(node);

        public Shape Visit(Div node) => Binary(node);

        public Shape Visit(Maximum node) => Binary(node);

        public Shape Visit(Minimum node) => Binary(node);

        public Shape Visit(Rsqrt node) => shapeOf(node.X);

        public Shape Visit(Sqrt node) => shapeOf(node.X);

        public Shape Visit(Relu node) => shapeOf(node.X);

        public Shape Visit(Relu6 node) => shapeOf(node.X);

        public Shape Visit(Sigmoid node) => shapeOf(node.X);

        public Shape Visit(Softmax node)
        {
            var x = shapeOf(node.X);
            if (x.Rank < 1)
            {
                throw new ShapeException($"softmax needs at least one axis, got {x}");
            }

            return x;
        }

        public Shape Visit(ArgMax node) => ArgMax(shapeOf(node.X), node.Axis);

        public Shape Visit(Reshape node) => Reshape(shapeOf(node.X), node.Shape);

        public Shape Visit(Transpose node) => Transpose(shapeOf(node.X), node.Perm);

        public Shape Visit(Pad node) => Pad(shapeOf(node.X), node.Pads);

        public Shape Visit(Concat node) => Concat(node.Xs.Select(shapeOf).ToList(), node.Axis);

        public Shape Visit(ReduceMean node) => Reduce(node);

        public Shape Visit(ReduceMax node) => Reduce(node);

        public Shape Visit(ReduceMin node) => Reduce(node);

        private Shape WithBias(LinearNode node, Shape output)
        {
            if (node.Bias is not null)
            {
                RequireChannelVector(output, shapeOf(node.Bias), "bias");
            }

            return output;
        }

        private Shape Pool(PoolNode node) => ShapeInference.Pool(shapeOf(node.X), node.Size, node.Strides, node.Padding);

        private Shape Binary(BinaryNode node) => Broadcast(shapeOf(node.A), shapeOf(node.B));

        private Shape Reduce(ReduceNode node) => ShapeInference.Reduce(shapeOf(node.X), node.Axes, node.KeepDims);
    }
}
