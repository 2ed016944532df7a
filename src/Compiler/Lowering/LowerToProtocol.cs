using System.Collections.Immutable;
using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;
using Mpc.Compiler.Planning;
using Mpc.Runtime.Kernels;

namespace Mpc.Compiler.Lowering;

/// <summary>
/// Lowers a folded graph and its fixed-point plan to protocol operations (<see cref="SecureProgram"/>).
/// </summary>
/// <remarks>
/// Requires: a folded graph with one input and one output, and a plan for it. Guarantees: every
/// activation is encoded with the plan's f_a bits; a linear layer's product (f_a + f_w) is truncated
/// back unless it is revealed; a ReLU, ReLU6 or sigmoid that alone reads a linear layer is fused into
/// that layer's step; Reshape costs nothing (the same buffer under another shape); a trailing Softmax
/// or ArgMax is left to the output receiver; every buffer has a slot that no value alive at the same
/// time uses. Nodes that cannot run securely are all reported at once.
/// </remarks>
public static class LowerToProtocol
{
    public static SecureProgram Run(Graph graph, FixedPointPlan plan, ProtocolChoice protocols, string name, string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(protocols);
        return new Lowerer(graph, plan, sourceFile).Lower(name, protocols);
    }

    private sealed class Lowerer(Graph graph, FixedPointPlan plan, string file)
    {
        private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
        private readonly List<PendingStep> _steps = [];
        private readonly List<WeightSpec> _weights = [];
        private readonly DiagnosticBag _problems = new();
        private readonly HashSet<string> _fused = new(StringComparer.Ordinal);
        private readonly string _revealed = SecureOutput.Of(graph);
        private HashSet<string>? _live;
        private int _buffers;

        private int Fa => plan.ActivationFracBits;

        private int Fw => plan.WeightFracBits;

        public SecureProgram Lower(string name, ProtocolChoice protocols)
        {
            var inputs = graph.Inputs.ToList();
            if (inputs.Count != 1)
            {
                _problems.Add(Problem.NotSecurable, string.Join(", ", inputs.Select(i => i.Name)), $"a secure model has exactly one input, this one has {inputs.Count}");
                _problems.ThrowIfAny(file);
            }

            var input = inputs[0];
            _values[input.Name] = new Value(NewBuffer(), input.Shape, Fa);
            foreach (var node in graph.Nodes)
            {
                if (node is Input or Constant || _fused.Contains(node.Name) || !Reaches(node.Name))
                {
                    continue;
                }

                LowerNode(node);
            }

            _problems.ThrowIfAny(file);
            var output = _values[_revealed];
            var (slots, slotOf) = AssignSlots(_values[input.Name].Buffer, output.Buffer);
            SecureValue V(string node)
            {
                var v = _values[node];
                return new SecureValue(node, v.Shape, v.FracBits, slotOf[v.Buffer]);
            }

            var steps = _steps.Select((s, i) => s.Build(i, V)).ToImmutableArray();
            return new SecureProgram(name, file, graph.Fingerprint, input.Shape.Rank > 0 ? input.Shape[0] : 1, V(input.Name), V(_revealed),
                SecureOutput.Tail(graph), plan, steps, [.. _weights], slots, protocols.Protocols, protocols.Notes);
        }

        /// <summary>Only what the revealed value depends on is computed; a Softmax/ArgMax tail is the output receiver's.</summary>
        private bool Reaches(string node)
        {
            if (_live is null)
            {
                _live = new HashSet<string>(StringComparer.Ordinal) { _revealed };
                var stack = new Stack<string>([_revealed]);
                while (stack.Count > 0)
                {
                    foreach (var i in graph[stack.Pop()].Inputs.Where(_live.Add))
                    {
                        stack.Push(i);
                    }
                }
            }

            return _live.Contains(node);
        }

        private void LowerNode(Node node)
        {
            switch (node)
            {
                case Conv2D conv:
                    Linear(conv, Conv2DGeometryOf(conv), null);
                    break;
                case MatMul mm:
                    Linear(mm, null, (mm.Shape[0], graph[mm.Weights].Shape[0], mm.Shape[1]));
                    break;
                case Relu or Relu6 or Sigmoid:
                    Unary(node, x => new ActivationStepDraft(node.Name, x, ActivationOf(node)));
                    break;
                case MaxPool or SumPool or AvgPool:
                    Pool((PoolNode)node);
                    break;
                case Reshape or Identity:
                    Alias(node);
                    break;
                case Transpose t:
                    Layout(t, [t.X], LayoutKind.Transpose, t.Perm);
                    break;
                case Pad pad:
                    Layout(pad, [pad.X], LayoutKind.Pad, pad.Pads);
                    break;
                case Concat concat:
                    Layout(concat, concat.Xs, LayoutKind.Concat, [concat.Axis]);
                    break;
                case Add or Sub when !graph.IsConstant(node.Inputs[0]) && !graph.IsConstant(node.Inputs[1]):
                    Binary((BinaryNode)node);
                    break;
                default:
                    _problems.Add(Problem.NotSecurable, node.Name, Why(node));
                    break;
            }
        }

        private static string Why(Node node) => node switch
        {
            DepthwiseConv2D => "DepthwiseConv2D has no secure kernel yet",
            Add or Sub or Mul => $"{node.Op} with a constant that could not be folded into a linear layer",
            Softmax or ArgMax => $"{node.Op} is supported only at the output",
            _ => $"{node.Op} has no secure lowering",
        };

        private void Linear(LinearNode node, Conv2DGeometry? conv, (int, int, int)? dense)
        {
            if (!Known(node.X, node))
            {
                return;
            }

            if (graph.ConstantValue(node.Weights) is not { } w)
            {
                _problems.Add(Problem.NotSecurable, node.Name, "its weights are not constant");
                return;
            }

            var x = _values[node.X];
            var filter = AddWeight(node.Name, node.Weights, w.Shape, Fw);
            var bias = node.Bias is null ? null : AddWeight(node.Name, node.Bias, graph[node.Bias].Shape, x.FracBits + Fw);
            var truncation = plan.TruncationOf(node.Name);
            var outFrac = x.FracBits + Fw - (truncation?.Bits ?? 0);

            // Fuse the activation that alone reads this layer (and is not itself past the revealed value).
            var consumers = graph.Consumers(node.Name);
            var activation = Activation.None;
            var outName = node.Name;
            if (node.Name != _revealed && consumers is [var only] && only is Relu or Relu6 or Sigmoid && !graph.IsOutput(node.Name))
            {
                activation = ActivationOf(only);
                outName = only.Name;
                _fused.Add(only.Name);
            }

            var buffer = NewBuffer();
            _values[node.Name] = new Value(buffer, node.Shape, outFrac);
            _values[outName] = new Value(buffer, graph[outName].Shape, outFrac);
            _steps.Add(new LinearStepDraft(node.Name, outName, node.X, conv, dense, filter, bias, truncation, activation));
        }

        private void Unary(Node node, Func<string, PendingStep> step)
        {
            var x = node.Inputs[0];
            if (!Known(x, node))
            {
                return;
            }

            var v = _values[x];
            _values[node.Name] = new Value(NewBuffer(), node.Shape, v.FracBits);
            _steps.Add(step(x));
        }

        private void Pool(PoolNode node)
        {
            if (!Known(node.X, node))
            {
                return;
            }

            var s = graph[node.X].Shape;
            var g = new PoolGeometry(s[0], s[1], s[2], s[3], node.Size.H, node.Size.W, node.Strides.H, node.Strides.W,
                node.Padding.Top, node.Padding.Left, node.Padding.Bottom, node.Padding.Right);
            var kind = node switch { MaxPool => PoolKind.Max, SumPool => PoolKind.Sum, _ => PoolKind.Average };
            AddPool(node.Name, node.Shape, node.X, kind, g);
        }

        private void AddPool(string name, Shape shape, string x, PoolKind kind, PoolGeometry g)
        {
            var v = _values[x];
            var truncation = kind == PoolKind.Average ? plan.TruncationOf(name) : null;
            if (kind == PoolKind.Average && truncation is null)
            {
                _problems.Add(Problem.NotSecurable, name, "an average pool whose result is revealed directly (fold it into a linear layer)");
                return;
            }

            _values[name] = new Value(NewBuffer(), shape, v.FracBits);
            _steps.Add(new PoolStepDraft(name, x, kind, g, truncation));
        }

        private void Alias(Node node)
        {
            var x = node.Inputs[0];
            if (Known(x, node))
            {
                _values[node.Name] = _values[x] with { Shape = node.Shape };
            }
        }

        private void Layout(Node node, ImmutableArray<string> xs, LayoutKind kind, ImmutableArray<int> parameters)
        {
            if (!xs.All(x => Known(x, node)))
            {
                return;
            }

            var scales = xs.Select(x => _values[x].FracBits).Distinct().ToList();
            if (scales.Count != 1)
            {
                _problems.Add(Problem.NotSecurable, node.Name, "its inputs carry different fixed-point scales");
                return;
            }

            _values[node.Name] = new Value(NewBuffer(), node.Shape, scales[0]);
            _steps.Add(new LayoutStepDraft(node.Name, xs, kind, parameters));
        }

        private void Binary(BinaryNode node)
        {
            if (!Known(node.A, node) || !Known(node.B, node))
            {
                return;
            }

            if (!graph[node.A].Shape.Equals(graph[node.B].Shape) || _values[node.A].FracBits != _values[node.B].FracBits)
            {
                _problems.Add(Problem.NotSecurable, node.Name, "secure Add/Sub needs operands of one shape and scale (no broadcasting)");
                return;
            }

            _values[node.Name] = new Value(NewBuffer(), node.Shape, _values[node.A].FracBits);
            _steps.Add(new AddStepDraft(node.Name, node.A, node.B, node is Sub));
        }

        private bool Known(string input, Node reader)
        {
            if (_values.ContainsKey(input))
            {
                return true;
            }

            if (graph.IsConstant(input))
            {
                _problems.Add(Problem.NotSecurable, reader.Name, $"{reader.Op} reads the constant '{input}' where a secret value is expected");
            }

            return false;
        }

        private WeightSpec AddWeight(string layer, string node, Shape shape, int fracBits)
        {
            var spec = new WeightSpec(layer, node, shape, fracBits);
            _weights.Add(spec);
            return spec;
        }

        private static Activation ActivationOf(Node node) => node switch
        {
            Relu => Activation.Relu,
            Relu6 => Activation.Relu6,
            Sigmoid => Activation.Sigmoid,
            _ => Activation.None,
        };

        private Conv2DGeometry Conv2DGeometryOf(Conv2D conv)
        {
            var x = graph[conv.X].Shape;
            var w = graph[conv.Weights].Shape;
            return new Conv2DGeometry(x[0], x[1], x[2], x[3], w[3], w[0], w[1], conv.Strides.H, conv.Strides.W,
                conv.Padding.Top, conv.Padding.Left, conv.Padding.Bottom, conv.Padding.Right);
        }

        private int NewBuffer() => _buffers++;

        /// <summary>
        /// Greedy interval allocation: a buffer takes a free slot (or a new one) when its step runs and
        /// gives it back after its last reader. A step's output never shares a slot with its inputs,
        /// so kernels never see aliased operands.
        /// </summary>
        private (ImmutableArray<int> Lengths, Dictionary<int, int> SlotOf) AssignSlots(int inputBuffer, int outputBuffer)
        {
            var lastUse = new Dictionary<int, int>();
            var length = new Dictionary<int, int>();
            foreach (var v in _values.Values)
            {
                length[v.Buffer] = Math.Max(length.GetValueOrDefault(v.Buffer), v.Shape.ElementCount);
            }

            for (var i = 0; i < _steps.Count; i++)
            {
                foreach (var x in _steps[i].InputNodes)
                {
                    lastUse[_values[x].Buffer] = i;
                }
            }

            lastUse[outputBuffer] = _steps.Count; // revealed after the last step

            var slotOf = new Dictionary<int, int>();
            var lengths = new List<int>();
            var free = new SortedSet<int>();
            void Take(int buffer)
            {
                if (slotOf.ContainsKey(buffer))
                {
                    return;
                }

                var slot = free.Count > 0 ? free.Min : lengths.Count;
                if (slot == lengths.Count)
                {
                    lengths.Add(0);
                }
                else
                {
                    free.Remove(slot);
                }

                slotOf[buffer] = slot;
                lengths[slot] = Math.Max(lengths[slot], length[buffer]);
            }

            Take(inputBuffer);
            for (var i = 0; i < _steps.Count; i++)
            {
                Take(_values[_steps[i].OutputNode].Buffer);
                foreach (var (buffer, last) in lastUse.Where(kv => kv.Value == i).OrderBy(kv => kv.Key))
                {
                    free.Add(slotOf[buffer]);
                }
            }

            return ([.. lengths], slotOf);
        }

        private readonly record struct Value(int Buffer, Shape Shape, int FracBits);

        private abstract record PendingStep(string Name, string OutputNode, ImmutableArray<string> InputNodes)
        {
            public abstract SecureStep Build(int index, Func<string, SecureValue> value);
        }

        private sealed record LinearStepDraft(string Name, string Out, string X, Conv2DGeometry? Conv, (int, int, int)? Dense, WeightSpec Filter, WeightSpec? Bias, TruncationDecision? Truncation, Activation Activation)
            : PendingStep(Name, Out, [X])
        {
            public override SecureStep Build(int index, Func<string, SecureValue> value) =>
                new LinearStep(index, Name, value(Out), value(X), Conv, Dense, Filter, Bias, Truncation, Activation);
        }

        private sealed record ActivationStepDraft(string Name, string X, Activation Activation) : PendingStep(Name, Name, [X])
        {
            public override SecureStep Build(int index, Func<string, SecureValue> value) =>
                new ActivationStep(index, Name, value(Name), value(X), Activation);
        }

        private sealed record PoolStepDraft(string Name, string X, PoolKind Kind, PoolGeometry Geometry, TruncationDecision? Truncation) : PendingStep(Name, Name, [X])
        {
            public override SecureStep Build(int index, Func<string, SecureValue> value) =>
                new PoolStep(index, Name, value(Name), value(X), Kind, Geometry, Truncation);
        }

        private sealed record LayoutStepDraft(string Name, ImmutableArray<string> Xs, LayoutKind Kind, ImmutableArray<int> Parameters) : PendingStep(Name, Name, Xs)
        {
            public override SecureStep Build(int index, Func<string, SecureValue> value) =>
                new LayoutStep(index, Name, value(Name), [.. Xs.Select(value)], Kind, Parameters);
        }

        private sealed record AddStepDraft(string Name, string A, string B, bool Subtract) : PendingStep(Name, Name, [A, B])
        {
            public override SecureStep Build(int index, Func<string, SecureValue> value) =>
                new AddStep(index, Name, value(Name), value(A), value(B), Subtract);
        }
    }
}
