using System.Collections.Immutable;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Planning;

/// <summary>
/// An upper bound on |v| for every value of a graph, in real (unscaled) units: what the fixed-point
/// planner needs to keep every encoded value inside the ring.
/// </summary>
/// <param name="Bounds">Node name to bound.</param>
/// <param name="Source">How the bounds were obtained: "interval analysis" (sound) or "calibration (N inputs)".</param>
/// <param name="Sound">True when the bounds hold for every input within the input bound (interval analysis); false when they are observed maxima.</param>
public sealed record ActivationBounds(ImmutableDictionary<string, double> Bounds, string Source, bool Sound)
{
    public double this[string node] => Bounds.TryGetValue(node, out var b) ? b : 0;

    /// <summary>
    /// Observed maxima of |v| over <paramref name="inputs"/> (each a batch the graph accepts), from
    /// the plaintext executor. Not a proof: the planner adds a safety margin.
    /// </summary>
    public static ActivationBounds Calibrate(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var input = graph.Inputs.Single();
        var max = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var x in inputs)
        {
            var values = PlaintextExecutor.RunAll(graph, new Dictionary<string, Tensor>(StringComparer.Ordinal) { [input.Name] = x });
            foreach (var (name, value) in values)
            {
                var m = MaxAbs(value.Span);
                max[name] = Math.Max(max.GetValueOrDefault(name), m);
            }
        }

        return new ActivationBounds(max.ToImmutableDictionary(StringComparer.Ordinal), $"calibration ({inputs.Count} input{(inputs.Count == 1 ? "" : "s")})", Sound: false);
    }

    /// <summary>
    /// Sound bounds by interval arithmetic from |input| &lt;= <paramref name="inputBound"/>: a linear
    /// layer's output is bounded by the largest L1 norm of a weight column times its input's bound
    /// plus |bias|; pools and layout operations keep or sum bounds; ReLU keeps them. Loose for deep
    /// networks (the bounds multiply layer by layer), exact in the worst case.
    /// </summary>
    public static ActivationBounds Interval(Graph graph, double inputBound)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var bounds = new Dictionary<string, double>(StringComparer.Ordinal);
        var visitor = new IntervalVisitor(graph, bounds, inputBound);
        foreach (var node in graph.Nodes)
        {
            bounds[node.Name] = node.Accept(visitor);
        }

        return new ActivationBounds(bounds.ToImmutableDictionary(StringComparer.Ordinal), $"interval analysis (|input| <= {inputBound:G6})", Sound: true);
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double m = 0;
        foreach (var v in values)
        {
            m = Math.Max(m, Math.Abs((double)v));
        }

        return m;
    }

    private sealed class IntervalVisitor(Graph graph, Dictionary<string, double> bounds, double inputBound) : INodeVisitor<double>
    {
        public double Visit(Input node) => inputBound;

        public double Visit(Constant node) => MaxAbs(node.Value.Span);

        public double Visit(Identity node) => bounds[node.X];

        public double Visit(Conv2D node) => Linear(node, columns: node.Shape.Last);

        public double Visit(DepthwiseConv2D node) => Linear(node, columns: node.Shape.Last);

        public double Visit(MatMul node) => Linear(node, columns: node.Shape.Last);

        public double Visit(BiasAdd node) => bounds[node.X] + bounds[node.Bias];

        public double Visit(BatchNorm node) => double.PositiveInfinity;

        public double Visit(AvgPool node) => bounds[node.X];

        public double Visit(MaxPool node) => bounds[node.X];

        public double Visit(SumPool node) => bounds[node.X] * node.Size.Area;

        public double Visit(Add node) => bounds[node.A] + bounds[node.B];

        public double Visit(Sub node) => bounds[node.A] + bounds[node.B];

        public double Visit(Mul node) => bounds[node.A] * bounds[node.B];

        public double Visit(Div node) => double.PositiveInfinity;

        public double Visit(Maximum node) => Math.Max(bounds[node.A], bounds[node.B]);

        public double Visit(Minimum node) => Math.Max(bounds[node.A], bounds[node.B]);

        public double Visit(Rsqrt node) => double.PositiveInfinity;

        public double Visit(Sqrt node) => Math.Sqrt(bounds[node.X]);

        public double Visit(Relu node) => bounds[node.X];

        public double Visit(Relu6 node) => Math.Min(6, bounds[node.X]);

        public double Visit(Sigmoid node) => 1;

        public double Visit(Softmax node) => 1;

        public double Visit(ArgMax node) => graph[node.X].Shape.Last;

        public double Visit(Reshape node) => bounds[node.X];

        public double Visit(Transpose node) => bounds[node.X];

        public double Visit(Pad node) => bounds[node.X];

        public double Visit(Concat node) => node.Xs.Max(x => bounds[x]);

        public double Visit(ReduceMean node) => bounds[node.X];

        public double Visit(ReduceMax node) => bounds[node.X];

        public double Visit(ReduceMin node) => bounds[node.X];

        /// <summary>max_j (sum_i |W_ij|) * bound(x) + |b_j|, columns j being the last weight axis.</summary>
        private double Linear(LinearNode node, int columns)
        {
            var w = graph.ConstantValue(node.Weights);
            if (w is null)
            {
                return double.PositiveInfinity;
            }

            var b = node.Bias is null ? null : graph.ConstantValue(node.Bias);
            var weights = w.Span;
            var weightColumns = w.Shape.Last;
            var norms = new double[weightColumns];
            for (var i = 0; i < weights.Length; i++)
            {
                norms[i % weightColumns] += Math.Abs(weights[i]);
            }

            // A depthwise filter's last axis is the channel multiplier: output channel c*M + m reads column m of channel c.
            var x = bounds[node.X];
            double worst = 0;
            for (var j = 0; j < columns; j++)
            {
                var norm = node is DepthwiseConv2D ? DepthwiseNorm(weights, w.Shape, j) : norms[j % weightColumns];
                worst = Math.Max(worst, (norm * x) + (b is null ? 0 : Math.Abs(b[j])));
            }

            return worst;
        }

        private static double DepthwiseNorm(ReadOnlySpan<float> weights, Shape shape, int outputChannel)
        {
            int channels = shape[2], multiplier = shape[3], c = outputChannel / multiplier, m = outputChannel % multiplier;
            double norm = 0;
            for (var tap = 0; tap < shape[0] * shape[1]; tap++)
            {
                norm += Math.Abs(weights[(((tap * channels) + c) * multiplier) + m]);
            }

            return norm;
        }
    }
}
