using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Execution;

/// <summary>Data movement, reductions and the output layers.</summary>
internal sealed partial class NodeKernels
{
    public Tensor Visit(Reshape node) => values[node.X].Reshape(node.Shape);

    public Tensor Visit(Transpose node)
    {
        var x = values[node.X];
        var inStrides = x.Shape.Strides();
        var strides = node.Perm.Select(p => inStrides[p]).ToArray();
        return Gather(x, node.Shape, strides);
    }

    public Tensor Visit(Pad node)
    {
        var x = values[node.X];
        var y = new float[node.Shape.ElementCount];
        var outStrides = node.Shape.Strides();
        var index = new int[x.Shape.Rank];
        var src = x.Span;
        for (var i = 0; i < src.Length; i++)
        {
            var offset = 0;
            for (var axis = 0; axis < index.Length; axis++)
            {
                offset += (index[axis] + node.Pads[2 * axis]) * outStrides[axis];
            }

            y[offset] = src[i];
            Advance(index, x.Shape);
        }

        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(Concat node)
    {
        // Each input is a run of [outer, inner * size] blocks; interleave them along the axis.
        var y = new float[node.Shape.ElementCount];
        var outer = node.Shape.Dims.Take(node.Axis).Aggregate(1, (p, d) => p * d);
        var inner = node.Shape.Dims.Skip(node.Axis + 1).Aggregate(1, (p, d) => p * d);
        var rowLength = node.Shape[node.Axis] * inner;
        var column = 0;
        foreach (var name in node.Xs)
        {
            var x = values[name];
            var block = x.Shape[node.Axis] * inner;
            for (var o = 0; o < outer; o++)
            {
                x.Span.Slice(o * block, block).CopyTo(y.AsSpan((o * rowLength) + column, block));
            }

            column += block;
        }

        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(ReduceMean node)
    {
        var count = node.Axes.Aggregate(1, (p, a) => p * values[node.X].Shape[a]);
        return Reduce(node, 0f, static (acc, v) => acc + v, acc => acc / count);
    }

    public Tensor Visit(ReduceMax node) => Reduce(node, float.NegativeInfinity, MathF.Max, static acc => acc);

    public Tensor Visit(ReduceMin node) => Reduce(node, float.PositiveInfinity, MathF.Min, static acc => acc);

    public Tensor Visit(Softmax node)
    {
        var x = values[node.X].Span;
        var n = node.Shape.Last;
        var y = new float[x.Length];
        for (var row = 0; row < x.Length; row += n)
        {
            // Subtract the row maximum first, as TensorFlow does, so exp never overflows.
            var max = float.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                max = MathF.Max(max, x[row + i]);
            }

            var sum = 0f;
            for (var i = 0; i < n; i++)
            {
                y[row + i] = MathF.Exp(x[row + i] - max);
                sum += y[row + i];
            }

            for (var i = 0; i < n; i++)
            {
                y[row + i] /= sum;
            }
        }

        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(ArgMax node)
    {
        var x = values[node.X];
        var (outer, size, inner) = Split(x.Shape, node.Axis);
        var y = new float[outer * inner];
        var s = x.Span;
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = 0;
                for (var k = 1; k < size; k++)
                {
                    // Strictly greater: the first maximum wins, as in TensorFlow.
                    if (s[(((o * size) + k) * inner) + i] > s[(((o * size) + best) * inner) + i])
                    {
                        best = k;
                    }
                }

                y[(o * inner) + i] = best;
            }
        }

        return Tensor.Own(node.Shape, y);
    }

    private static (int Outer, int Size, int Inner) Split(Shape shape, int axis) =>
        (shape.Dims.Take(axis).Aggregate(1, (p, d) => p * d), shape[axis], shape.Dims.Skip(axis + 1).Aggregate(1, (p, d) => p * d));

    private static void Advance(int[] index, Shape shape)
    {
        for (var axis = index.Length - 1; axis >= 0; axis--)
        {
            if (++index[axis] < shape[axis])
            {
                return;
            }

            index[axis] = 0;
        }
    }

    /// <summary>Output element i (row-major over <paramref name="shape"/>) reads the input at sum(index * strides).</summary>
    private static Tensor Gather(Tensor x, Shape shape, int[] strides)
    {
        var y = new float[shape.ElementCount];
        var index = new int[shape.Rank];
        var src = x.Span;
        for (var i = 0; i < y.Length; i++)
        {
            var offset = 0;
            for (var axis = 0; axis < index.Length; axis++)
            {
                offset += index[axis] * strides[axis];
            }

            y[i] = src[offset];
            Advance(index, shape);
        }

        return Tensor.Own(shape, y);
    }

    private Tensor Reduce(ReduceNode node, float seed, Func<float, float, float> combine, Func<float, float> finish)
    {
        var x = values[node.X];
        var reduced = Shape.Of(x.Shape.Dims.Select((d, i) => node.Axes.Contains(i) ? 1 : d));
        var acc = new float[reduced.ElementCount];
        Array.Fill(acc, seed);
        var strides = reduced.Strides();
        var index = new int[x.Shape.Rank];
        var src = x.Span;
        for (var i = 0; i < src.Length; i++)
        {
            var offset = 0;
            for (var axis = 0; axis < index.Length; axis++)
            {
                offset += reduced[axis] == 1 ? 0 : index[axis] * strides[axis];
            }

            acc[offset] = combine(acc[offset], src[i]);
            Advance(index, x.Shape);
        }

        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] = finish(acc[i]);
        }

        return Tensor.Own(node.Shape, acc);
    }
}
