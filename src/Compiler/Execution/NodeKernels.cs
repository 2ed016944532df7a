using Mpc.Compiler.Ir;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Plaintext;

namespace Mpc.Compiler.Execution;

/// <summary>The float32 computation of each node type, reading its inputs from <c>values</c>.</summary>
internal sealed partial class NodeKernels(IReadOnlyDictionary<string, Tensor> values, IReadOnlyDictionary<string, Tensor> inputs, Activations activations)
    : INodeVisitor<Tensor>
{
    public Tensor Visit(Input node) => inputs[node.Name];

    public Tensor Visit(Constant node) => node.Value;

    public Tensor Visit(Identity node) => values[node.X];

    public Tensor Visit(Conv2D node)
    {
        var x = values[node.X];
        var w = values[node.Weights];
        var g = new Conv2DGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], w.Shape[3], w.Shape[0], w.Shape[1],
            node.Strides.H, node.Strides.W, node.Padding.Top, node.Padding.Left, node.Padding.Bottom, node.Padding.Right);
        var y = new float[g.OutputLength];
        FloatConv.Conv2D(g, x.Span, w.Span, Bias(node), y);
        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(DepthwiseConv2D node)
    {
        var x = values[node.X];
        var w = values[node.Weights];
        var g = Geometry(x.Shape, new Window(w.Shape[0], w.Shape[1]), node.Strides, node.Padding);
        var y = new float[node.Shape.ElementCount];
        FloatConv.Depthwise(g, w.Shape[3], x.Span, w.Span, Bias(node), y);
        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(MatMul node)
    {
        var a = values[node.X];
        var b = values[node.Weights];
        var c = new float[node.Shape.ElementCount];
        FloatGemm.Multiply(a.Span, b.Span, Bias(node), c, a.Shape[0], a.Shape[1], b.Shape[1]);
        return Tensor.Own(node.Shape, c);
    }

    public Tensor Visit(BiasAdd node) => Broadcast(values[node.X], values[node.Bias], node.Shape, static (a, b) => a + b);

    public Tensor Visit(BatchNorm node)
    {
        var x = values[node.X].Span;
        var scale = values[node.Scale].Span;
        var offset = values[node.Offset].Span;
        var mean = values[node.Mean].Span;
        var variance = values[node.Variance].Span;
        var c = scale.Length;
        var k = new float[c];
        for (var i = 0; i < c; i++)
        {
            k[i] = scale[i] / MathF.Sqrt(variance[i] + node.Epsilon);
        }

        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var ch = i % c;
            y[i] = ((x[i] - mean[ch]) * k[ch]) + offset[ch];
        }

        return Tensor.Own(node.Shape, y);
    }

    public Tensor Visit(AvgPool node) => Pool(node, FloatPool.Average);

    public Tensor Visit(MaxPool node) => Pool(node, FloatPool.Max);

    public Tensor Visit(SumPool node) => Pool(node, FloatPool.Sum);

    public Tensor Visit(Add node) => Binary(node, static (a, b) => a + b);

    public Tensor Visit(Sub node) => Binary(node, static (a, b) => a - b);

    public Tensor Visit(Mul node) => Binary(node, static (a, b) => a * b);

    public Tensor Visit(Div node) => Binary(node, static (a, b) => a / b);

    public Tensor Visit(Maximum node) => Binary(node, MathF.Max);

    public Tensor Visit(Minimum node) => Binary(node, MathF.Min);

    public Tensor Visit(Rsqrt node) => Unary(node, static x => 1f / MathF.Sqrt(x));

    public Tensor Visit(Sqrt node) => Unary(node, MathF.Sqrt);

    public Tensor Visit(Relu node) => Unary(node, activations.Relu);

    public Tensor Visit(Relu6 node) => Unary(node, activations.Relu6);

    public Tensor Visit(Sigmoid node) => Unary(node, activations.Sigmoid);

    private static PoolGeometry Geometry(Shape x, Window size, Window strides, Padding2D p) =>
        new(x[0], x[1], x[2], x[3], size.H, size.W, strides.H, strides.W, p.Top, p.Left, p.Bottom, p.Right);

    private ReadOnlySpan<float> Bias(LinearNode node) => node.Bias is null ? default : values[node.Bias].Span;

    private delegate void PoolKernel(in PoolGeometry g, ReadOnlySpan<float> x, Span<float> y);

    private Tensor Pool(PoolNode node, PoolKernel kernel)
    {
        var x = values[node.X];
        var y = new float[node.Shape.ElementCount];
        kernel(Geometry(x.Shape, node.Size, node.Strides, node.Padding), x.Span, y);
        return Tensor.Own(node.Shape, y);
    }

    private Tensor Unary(UnaryNode node, Func<float, float> f)
    {
        var x = values[node.X].Span;
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = f(x[i]);
        }

        return Tensor.Own(node.Shape, y);
    }

    private Tensor Binary(BinaryNode node, Func<float, float, float> f) => Broadcast(values[node.A], values[node.B], node.Shape, f);

    /// <summary>Elementwise <paramref name="f"/> with NumPy broadcasting: a broadcast axis gets stride 0.</summary>
    private static Tensor Broadcast(Tensor a, Tensor b, Shape shape, Func<float, float, float> f)
    {
        var y = new float[shape.ElementCount];
        var sa = a.Span;
        var sb = b.Span;
        if (a.Shape.Equals(shape) && b.Shape.Equals(shape))
        {
            for (var i = 0; i < y.Length; i++)
            {
                y[i] = f(sa[i], sb[i]);
            }

            return Tensor.Own(shape, y);
        }

        var strideA = BroadcastStrides(a.Shape, shape);
        var strideB = BroadcastStrides(b.Shape, shape);
        var index = new int[shape.Rank];
        int ia = 0, ib = 0;
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = f(sa[ia], sb[ib]);

            // Odometer over the output index, moving both input offsets by their strides.
            for (var axis = shape.Rank - 1; axis >= 0; axis--)
            {
                ia += strideA[axis];
                ib += strideB[axis];
                if (++index[axis] < shape[axis])
                {
                    break;
                }

                ia -= strideA[axis] * shape[axis];
                ib -= strideB[axis] * shape[axis];
                index[axis] = 0;
            }
        }

        return Tensor.Own(shape, y);
    }

    private static int[] BroadcastStrides(Shape input, Shape output)
    {
        var strides = new int[output.Rank];
        var own = input.Strides();
        var offset = output.Rank - input.Rank;
        for (var axis = 0; axis < input.Rank; axis++)
        {
            strides[axis + offset] = input[axis] == 1 ? 0 : own[axis];
        }

        return strides;
    }
}
