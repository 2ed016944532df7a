using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Analysis;

/// <summary>
/// What one layer costs under secure computation: parameters, multiply-accumulates (linear layers,
/// the bulk of the work), ReLUs and other comparisons (the bulk of the communication).
/// </summary>
/// <param name="Relus">Elements through Relu or Relu6 (one comparison with zero each).</param>
/// <param name="Comparisons">Other comparisons: MaxPool (window elements - 1 per output), Relu6's upper clamp, Maximum, Minimum, ReduceMax/Min, ArgMax.</param>
public sealed record LayerCost(Node Node, long Parameters, long Macs, long Relus, long Comparisons);

/// <summary>Per-layer costs of a graph (every node but constants) and their totals.</summary>
public static class CostModel
{
    public static IReadOnlyList<LayerCost> Analyze(Graph graph)
    {
        var visitor = new Visitor(graph);
        return [.. graph.Nodes.Where(n => n is not Constant).Select(n => n.Accept(visitor))];
    }

    public static LayerCost Total(IEnumerable<LayerCost> layers)
    {
        long p = 0, m = 0, r = 0, c = 0;
        foreach (var l in layers)
        {
            p += l.Parameters;
            m += l.Macs;
            r += l.Relus;
            c += l.Comparisons;
        }

        return new LayerCost(new Input("total", Shape.Scalar), p, m, r, c);
    }

    private sealed class Visitor(Graph graph) : INodeVisitor<LayerCost>
    {
        public LayerCost Visit(Input node) => None(node);

        public LayerCost Visit(Constant node) => None(node);

        public LayerCost Visit(Identity node) => None(node);

        public LayerCost Visit(Conv2D node)
        {
            var w = graph[node.Weights].Shape;
            return Linear(node, (long)node.Shape.ElementCount * w[0] * w[1] * w[2]);
        }

        public LayerCost Visit(DepthwiseConv2D node)
        {
            var w = graph[node.Weights].Shape;
            return Linear(node, (long)node.Shape.ElementCount * w[0] * w[1]);
        }

        public LayerCost Visit(MatMul node) => Linear(node, (long)node.Shape.ElementCount * graph[node.Weights].Shape[0]);

        public LayerCost Visit(BiasAdd node) => new(node, graph[node.Bias].Shape.ElementCount, 0, 0, 0);

        public LayerCost Visit(BatchNorm node) => new(node, 4L * node.Shape.Last, 0, 0, 0);

        public LayerCost Visit(AvgPool node) => None(node);

        /// <summary>A window of v valid elements needs v - 1 comparisons; padding is never compared.</summary>
        public LayerCost Visit(MaxPool node)
        {
            var x = graph[node.X].Shape;
            long comparisons = 0;
            for (var oh = 0; oh < node.Shape[1]; oh++)
            {
                var h = Valid(oh, node.Strides.H, node.Padding.Top, node.Size.H, x[1]);
                for (var ow = 0; ow < node.Shape[2]; ow++)
                {
                    comparisons += (h * Valid(ow, node.Strides.W, node.Padding.Left, node.Size.W, x[2])) - 1;
                }
            }

            return new LayerCost(node, 0, 0, 0, comparisons * x[0] * x[3]);
        }

        public LayerCost Visit(SumPool node) => None(node);

        public LayerCost Visit(Add node) => None(node);

        public LayerCost Visit(Sub node) => None(node);

        public LayerCost Visit(Mul node) => None(node);

        public LayerCost Visit(Div node) => None(node);

        public LayerCost Visit(Maximum node) => Compare(node, node.Shape.ElementCount);

        public LayerCost Visit(Minimum node) => Compare(node, node.Shape.ElementCount);

        public LayerCost Visit(Rsqrt node) => None(node);

        public LayerCost Visit(Sqrt node) => None(node);

        public LayerCost Visit(Relu node) => new(node, 0, 0, node.Shape.ElementCount, 0);

        public LayerCost Visit(Relu6 node) => new(node, 0, 0, node.Shape.ElementCount, node.Shape.ElementCount);

        public LayerCost Visit(Sigmoid node) => None(node);

        public LayerCost Visit(Softmax node) => None(node);

        public LayerCost Visit(ArgMax node) => Reduction(node, node.X);

        public LayerCost Visit(Reshape node) => None(node);

        public LayerCost Visit(Transpose node) => None(node);

        public LayerCost Visit(Pad node) => None(node);

        public LayerCost Visit(Concat node) => None(node);

        public LayerCost Visit(ReduceMean node) => None(node);

        public LayerCost Visit(ReduceMax node) => Reduction(node, node.X);

        public LayerCost Visit(ReduceMin node) => Reduction(node, node.X);

        private static LayerCost None(Node node) => new(node, 0, 0, 0, 0);

        private static LayerCost Compare(Node node, long count) => new(node, 0, 0, 0, count);

        private static long Valid(int o, int stride, int pad, int size, int input) =>
            Math.Min((o * stride) - pad + size, input) - Math.Max((o * stride) - pad, 0);

        private LayerCost Linear(LinearNode node, long macs)
        {
            var parameters = (long)graph[node.Weights].Shape.ElementCount + (node.Bias is null ? 0 : graph[node.Bias].Shape.ElementCount);
            return new LayerCost(node, parameters, macs, 0, 0);
        }

        /// <summary>Reducing n elements to one takes n - 1 comparisons.</summary>
        private LayerCost Reduction(Node node, string x) => Compare(node, graph[x].Shape.ElementCount - node.Shape.ElementCount);
    }
}
