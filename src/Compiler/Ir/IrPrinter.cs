using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mpc.Compiler.Ir;

/// <summary>
/// The stable text form of a graph, one line per node in graph order:
/// <c>%name = Op(%in1, %in2) attr=value : f32[dims]</c>, then <c>outputs %a, %b</c>.
/// Invariant culture and <c>\n</c> only, so dumps are golden files and fingerprints are stable.
/// </summary>
public static class IrPrinter
{
    /// <summary>Constants with at most this many values are printed in full; larger ones as a summary.</summary>
    public const int InlineValueLimit = 16;

    /// <param name="values">False leaves constant values out (shapes stay), which is what <see cref="Fingerprint"/> hashes.</param>
    public static string Print(Graph graph, bool values = true)
    {
        var sb = new StringBuilder();
        foreach (var node in graph.Nodes)
        {
            sb.Append('%').Append(node.Name).Append(" = ").Append(node.Op);
            if (node.Inputs.Length > 0)
            {
                sb.Append('(').Append(string.Join(", ", node.Inputs.Select(i => "%" + i))).Append(')');
            }

            var attributes = node.Accept(AttributeText.Instance);
            if (attributes.Length > 0)
            {
                sb.Append(' ').Append(attributes);
            }

            sb.Append(" : ").Append(TypeText(node));
            if (values && node is Constant c)
            {
                sb.Append(' ').Append(ValueText(c.Value));
            }

            sb.Append('\n');
        }

        sb.Append("outputs ").Append(string.Join(", ", graph.Outputs.Select(o => "%" + o))).Append('\n');
        return sb.ToString();
    }

    /// <summary>SHA-256 (lower-case hex) of the value-free print: architecture, not weights.</summary>
    public static string Fingerprint(Graph graph) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Print(graph, values: false))));

    public static string TypeText(Node node) => (node.ElementType == ElementType.Int64 ? "i64" : "f32") + node.Shape;

    /// <summary>Small tensors in full (shortest round-trip text); large ones as count, min, max and mean (6 digits).</summary>
    public static string ValueText(Tensor value)
    {
        var span = value.Span;
        if (span.Length <= InlineValueLimit)
        {
            var sb = new StringBuilder("{");
            for (var i = 0; i < span.Length; i++)
            {
                sb.Append(i == 0 ? string.Empty : ", ").Append(Number(span[i]));
            }

            return sb.Append('}').ToString();
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var v in span)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{{{span.Length} values: min {min:G6}, max {max:G6}, mean {sum / span.Length:G6}}}");
    }

    private static string Number(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Ints(IEnumerable<int> values) => "[" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";

    /// <summary>The attributes of each operation as text (empty when it has none).</summary>
    private sealed class AttributeText : INodeVisitor<string>
    {
        public static readonly AttributeText Instance = new();

        public string Visit(Input node) => string.Empty;

        public string Visit(Constant node) => string.Empty;

        public string Visit(Identity node) => string.Empty;

        public string Visit(Conv2D node) => Window(node.Strides, node.Padding);

        public string Visit(DepthwiseConv2D node) => Window(node.Strides, node.Padding);

        public string Visit(MatMul node) => string.Empty;

        public string Visit(BiasAdd node) => string.Empty;

        public string Visit(BatchNorm node) => "epsilon=" + Number(node.Epsilon);

        public string Visit(AvgPool node) => Pool(node);

        public string Visit(MaxPool node) => Pool(node);

        public string Visit(SumPool node) => Pool(node);

        public string Visit(Add node) => string.Empty;

        public string Visit(Sub node) => string.Empty;

        public string Visit(Mul node) => string.Empty;

        public string Visit(Div node) => string.Empty;

        public string Visit(Maximum node) => string.Empty;

        public string Visit(Minimum node) => string.Empty;

        public string Visit(Rsqrt node) => string.Empty;

        public string Visit(Sqrt node) => string.Empty;

        public string Visit(Relu node) => string.Empty;

        public string Visit(Relu6 node) => string.Empty;

        public string Visit(Sigmoid node) => string.Empty;

        public string Visit(Softmax node) => string.Empty;

        public string Visit(ArgMax node) => "axis=" + node.Axis.ToString(CultureInfo.InvariantCulture);

        public string Visit(Reshape node) => string.Empty;

        public string Visit(Transpose node) => "perm=" + Ints(node.Perm);

        public string Visit(Pad node) => "pads=" + Ints(node.Pads);

        public string Visit(Concat node) => "axis=" + node.Axis.ToString(CultureInfo.InvariantCulture);

        public string Visit(ReduceMean node) => Reduce(node);

        public string Visit(ReduceMax node) => Reduce(node);

        public string Visit(ReduceMin node) => Reduce(node);

        private static string Window(Window strides, Padding2D padding) => $"strides={strides} pads={padding}";

        private static string Pool(PoolNode node) => $"size={node.Size} strides={node.Strides} pads={node.Padding}";

        private static string Reduce(ReduceNode node) => $"axes={Ints(node.Axes)} keep_dims={(node.KeepDims ? "true" : "false")}";
    }
}
