using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>
/// An immutable dataflow graph: nodes in a topological order (every input before its consumer) and
/// the names of the output values. Inputs are the <see cref="Input"/> nodes, in node order.
/// </summary>
public sealed class Graph
{
    private readonly FrozenDictionary<string, Node> _byName;
    private readonly Lazy<FrozenDictionary<string, ImmutableArray<Node>>> _consumers;
    private readonly Lazy<string> _fingerprint;

    private Graph(ImmutableArray<Node> nodes, ImmutableArray<string> outputs)
    {
        Nodes = nodes;
        Outputs = outputs;
        _byName = nodes.ToFrozenDictionary(n => n.Name, StringComparer.Ordinal);
        _consumers = new Lazy<FrozenDictionary<string, ImmutableArray<Node>>>(IndexConsumers);
        _fingerprint = new Lazy<string>(() => IrPrinter.Fingerprint(this));
    }

    public ImmutableArray<Node> Nodes { get; }

    public ImmutableArray<string> Outputs { get; }

    public IEnumerable<Input> Inputs => Nodes.OfType<Input>();

    /// <summary>
    /// A stable structural fingerprint (SHA-256, hex) of the graph: node names, operations,
    /// attributes and shapes, not constant values. The party program compares it with the one the
    /// generated code was compiled for, so that a .pb of another architecture is refused.
    /// </summary>
    public string Fingerprint => _fingerprint.Value;

    public Node this[string name] => _byName.TryGetValue(name, out var node)
        ? node
        : throw new KeyNotFoundException($"no node named '{name}'");

    /// <summary>
    /// Builds a graph from nodes in any order; they are sorted topologically, keeping the given order
    /// wherever it is already valid, so that printing is deterministic.
    /// </summary>
    /// <exception cref="InvalidOperationException">Duplicate names, unknown inputs or a cycle (a compiler bug: the frontend reports these for user graphs).</exception>
    public static Graph Create(IEnumerable<Node> nodes, IEnumerable<string> outputs)
    {
        var list = nodes.ToList();
        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var node in list)
        {
            if (!byName.TryAdd(node.Name, node))
            {
                throw new InvalidOperationException($"duplicate node name '{node.Name}'");
            }
        }

        var sorted = new List<Node>(list.Count);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the stack, true: done
        foreach (var node in list)
        {
            Visit(node);
        }

        var outputList = outputs.ToImmutableArray();
        foreach (var output in outputList.Where(o => !byName.ContainsKey(o)))
        {
            throw new InvalidOperationException($"graph output '{output}' is not a node");
        }

        return new Graph([.. sorted], outputList);

        // Iterative depth-first post-order: deep chains (hundreds of layers) must not overflow the stack.
        void Visit(Node root)
        {
            if (state.ContainsKey(root.Name))
            {
                return;
            }

            var stack = new Stack<(Node Node, int Next)>();
            stack.Push((root, 0));
            state[root.Name] = false;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var inputs = node.Inputs;
                if (next < inputs.Length)
                {
                    stack.Push((node, next + 1));
                    var name = inputs[next];
                    if (!byName.TryGetValue(name, out var input))
                    {
                        throw new InvalidOperationException($"node '{node.Name}' reads '{name}', which is not a node");
                    }

                    if (!state.TryGetValue(name, out var done))
                    {
                        state[name] = false;
                        stack.Push((input, 0));
                    }
                    else if (!done)
                    {
                        throw new InvalidOperationException($"cycle through node '{name}'");
                    }
                }
                else
                {
                    state[node.Name] = true;
                    sorted.Add(node);
                }
            }
        }
    }

    public bool TryGet(string name, out Node node) => _byName.TryGetValue(name, out node!);

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>True when <paramref name="name"/> is a <see cref="Constant"/>.</summary>
    public bool IsConstant(string name) => _byName.TryGetValue(name, out var n) && n is Constant;

    /// <summary>The value of constant <paramref name="name"/>, or null when it is not a constant.</summary>
    public Tensor? ConstantValue(string name) => _byName.TryGetValue(name, out var n) && n is Constant c ? c.Value : null;

    /// <summary>The nodes that read <paramref name="name"/>, in node order (graph outputs are not nodes and are not listed).</summary>
    public ImmutableArray<Node> Consumers(string name) =>
        _consumers.Value.TryGetValue(name, out var list) ? list : [];

    public bool IsOutput(string name) => Outputs.Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// This graph without nodes that no output depends on. Inputs stay: they are the model's
    /// interface even when unused.
    /// </summary>
    public Graph WithoutDeadNodes()
    {
        var live = new HashSet<string>(Outputs, StringComparer.Ordinal);
        for (var i = Nodes.Length - 1; i >= 0; i--)
        {
            if (live.Contains(Nodes[i].Name))
            {
                live.UnionWith(Nodes[i].Inputs);
            }
        }

        return live.Count == Nodes.Length ? this : new Graph([.. Nodes.Where(n => n is Input || live.Contains(n.Name))], Outputs);
    }

    /// <summary>The IR text (<see cref="IrPrinter"/>).</summary>
    public override string ToString() => IrPrinter.Print(this);

    private FrozenDictionary<string, ImmutableArray<Node>> IndexConsumers()
    {
        var map = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            foreach (var input in node.Inputs.Distinct())
            {
                if (!map.TryGetValue(input, out var list))
                {
                    map[input] = list = [];
                }

                list.Add(node);
            }
        }

        return map.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal);
    }
}
