using System.Collections.Immutable;

namespace Mpc.Compiler.Ir;

/// <summary>
/// A mutable working copy of a graph for passes: replace, add and remove nodes, redirect uses, then
/// <see cref="ToGraph"/> sorts, drops dead nodes and freezes. Passes stay pure: the input graph is
/// never changed.
/// </summary>
public sealed class GraphEditor
{
    private readonly List<Node?> _nodes;
    private readonly Dictionary<string, int> _index;
    private readonly List<string> _outputs;

    public GraphEditor(Graph graph)
    {
        _nodes = [.. graph.Nodes];
        _index = graph.Nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _outputs = [.. graph.Outputs];
    }

    public bool IsOutput(string name) => _outputs.Contains(name, StringComparer.Ordinal);

    public Node this[string name] => _nodes[_index[name]] ?? throw new KeyNotFoundException(name);

    public bool Contains(string name) => _index.TryGetValue(name, out var i) && _nodes[i] is not null;

    /// <summary>Replaces the node of the same name, keeping its position in the order.</summary>
    public void Replace(Node node) => _nodes[_index[node.Name]] = node;

    /// <summary>Adds a node under a fresh name (see <see cref="FreshName"/>).</summary>
    public void Add(Node node)
    {
        if (Contains(node.Name))
        {
            throw new InvalidOperationException($"node '{node.Name}' already exists");
        }

        _index[node.Name] = _nodes.Count;
        _nodes.Add(node);
    }

    /// <summary>Removes a node; its uses must have been redirected first.</summary>
    public void Remove(string name)
    {
        _nodes[_index[name]] = null;
        _index.Remove(name);
    }

    /// <summary>Makes every reader of <paramref name="from"/> (nodes and graph outputs) read <paramref name="to"/>.</summary>
    public void RedirectUses(string from, string to)
    {
        string Map(string n) => n == from ? to : n;
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i] is { } node && node.Name != to)
            {
                _nodes[i] = node.MapInputs(Map);
            }
        }

        for (var i = 0; i < _outputs.Count; i++)
        {
            _outputs[i] = Map(_outputs[i]);
        }
    }

    /// <summary>
    /// Renames node <paramref name="from"/> to <paramref name="to"/> (which must be free), updating every
    /// reader. Passes use it so that a graph output keeps the name users ask for.
    /// </summary>
    public void Rename(string from, string to)
    {
        if (Contains(to))
        {
            throw new InvalidOperationException($"cannot rename '{from}' to '{to}': the name is taken");
        }

        var position = _index[from];
        _nodes[position] = this[from] with { Name = to };
        _index.Remove(from);
        _index[to] = position;
        RedirectUses(from, to);
    }

    /// <summary>
    /// Makes <paramref name="replacement"/> (named like <paramref name="head"/>) compute what the chain
    /// head..<paramref name="tail"/> computed: readers of the tail now read it, and the nodes in between
    /// die. When the tail is a graph output the replacement takes the tail's name, so output names
    /// survive every pass; otherwise it keeps the head's (the layer's) name.
    /// </summary>
    /// <returns>The replacement's name afterwards (the head's, or the tail's when the tail is an output).</returns>
    public string ReplaceChain(string head, string tail, Node replacement)
    {
        if (replacement.Name != head)
        {
            throw new ArgumentException($"the replacement must be named '{head}'");
        }

        Replace(replacement);
        if (head == tail)
        {
            return head;
        }

        var tailIsOutput = IsOutput(tail);
        RedirectUses(tail, head);
        Remove(tail);
        if (!tailIsOutput)
        {
            return head;
        }

        Rename(head, tail);
        return tail;
    }

    /// <summary>A name not yet used: <paramref name="baseName"/>, else baseName_1, baseName_2...</summary>
    public string FreshName(string baseName)
    {
        if (!Contains(baseName))
        {
            return baseName;
        }

        for (var i = 1; ; i++)
        {
            var candidate = FormattableString.Invariant($"{baseName}_{i}");
            if (!Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Adds a constant under a fresh name derived from <paramref name="baseName"/> and returns the name.</summary>
    public string AddConstant(string baseName, Tensor value)
    {
        var name = FreshName(baseName);
        Add(new Constant(name, value));
        return name;
    }

    /// <summary>The readers of <paramref name="name"/> among the current nodes.</summary>
    public IEnumerable<Node> Consumers(string name) =>
        _nodes.Where(n => n is not null && n.Inputs.Contains(name, StringComparer.Ordinal))!;

    public Graph ToGraph() => Graph.Create(_nodes.Where(n => n is not null)!, _outputs).WithoutDeadNodes();

    /// <summary>The nodes currently in the editor, in order (a snapshot: editing while iterating it is safe).</summary>
    public ImmutableArray<Node> Snapshot() => [.. _nodes.Where(n => n is not null)!];
}
