using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Frontend.Tf.Proto;
using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>
/// Imports a frozen TensorFlow GraphDef into the IR, exactly as TensorFlow means it: static shapes
/// (NHWC, batch from <see cref="ImportOptions.BatchSize"/>), TensorFlow's padding and constant rules.
/// Every problem is collected and reported at once as a <see cref="ModelException"/> (exit code 2).
/// </summary>
public static class TfImporter
{
    public static Graph ImportFile(string path, ImportOptions? options = null) =>
        Import(GraphDefFile.Read(path), path, options ?? ImportOptions.Default);

    /// <param name="displayName">The name errors give the model (usually its path).</param>
    public static Graph Import(byte[] graphDef, string displayName, ImportOptions? options = null) =>
        Import(GraphDefFile.Parse(graphDef, displayName), displayName, options ?? ImportOptions.Default);

    private static Graph Import(GraphDef def, string file, ImportOptions options)
    {
        var bag = new DiagnosticBag();
        var nodes = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        var order = new List<TfNode>();
        foreach (var nodeDef in def.Node)
        {
            var node = new TfNode(nodeDef);
            if (!nodes.TryAdd(node.Name, node))
            {
                bag.Add(Problem.DuplicateNode, node.Name, $"defined more than once (ops {nodes[node.Name].Op}, {node.Op})");
                continue;
            }

            order.Add(node);
        }

        foreach (var node in order)
        {
            foreach (var input in node.Inputs.Where(i => !nodes.ContainsKey(i.Node)))
            {
                bag.Add(Problem.MissingInput, node.Name, $"reads '{input.Node}'");
            }
        }

        bag.ThrowIfAny(file);
        FindCycles(order, bag);
        bag.ThrowIfAny(file);

        var outputs = ChooseOutputs(order, nodes, options, bag);
        bag.ThrowIfAny(file);
        var reachable = Reachable(outputs, nodes);
        var sorted = order.Where(n => reachable.Contains(n.Name)).ToList();
        var graph = Convert(TopologicalOrder(sorted), outputs, options, bag);
        bag.ThrowIfAny(file);
        Verifier.Verify(graph, "import");
        return graph;
    }

    /// <summary>
    /// The nodes on cycles, in linear time: Kahn's algorithm peels every node whose inputs are all
    /// peeled; of the rest, peeling nodes that no remaining node reads leaves the nodes on (or
    /// between) cycles.
    /// </summary>
    private static void FindCycles(List<TfNode> order, DiagnosticBag bag)
    {
        var peeled = TopologicalOrder(order).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var remaining = order.Where(n => !peeled.Contains(n.Name)).ToList();
        if (remaining.Count == 0)
        {
            return;
        }

        var alive = remaining.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var readers = remaining.ToDictionary(n => n.Name, _ => 0, StringComparer.Ordinal);
        foreach (var input in remaining.SelectMany(n => n.Inputs.Select(i => i.Node).Distinct()).Where(alive.Contains))
        {
            readers[input]++;
        }

        var byName = remaining.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var sinks = new Stack<string>(remaining.Where(n => readers[n.Name] == 0).Select(n => n.Name));
        while (sinks.Count > 0)
        {
            var name = sinks.Pop();
            alive.Remove(name);
            foreach (var input in byName[name].Inputs.Select(i => i.Node).Distinct().Where(alive.Contains))
            {
                if (--readers[input] == 0)
                {
                    sinks.Push(input);
                }
            }
        }

        foreach (var node in remaining.Where(n => alive.Contains(n.Name)))
        {
            var next = node.Inputs.Select(i => i.Node).First(alive.Contains);
            bag.Add(Problem.Cycle, node.Name, $"{node.Op}, reads '{next}'");
        }
    }

    private static List<string> ChooseOutputs(List<TfNode> order, Dictionary<string, TfNode> nodes, ImportOptions options, DiagnosticBag bag)
    {
        if (options.Outputs is { Count: > 0 } requested)
        {
            var names = new List<string>();
            foreach (var name in requested)
            {
                var input = TfInput.Parse(name);
                if (input is null || !nodes.ContainsKey(input.Value.Node))
                {
                    bag.Add(Problem.BadOutput, name, "no such node");
                }
                else if (input.Value.Index != 0)
                {
                    bag.Add(Problem.UnsupportedOutput, name, "only output 0 of a node can be a model output");
                }
                else
                {
                    names.Add(input.Value.Node);
                }
            }

            return names;
        }

        var consumed = new HashSet<string>(order.SelectMany(n => n.Inputs.Select(i => i.Node)), StringComparer.Ordinal);
        var sinks = order.Where(n => !consumed.Contains(n.Name) && n.Op != "NoOp").ToList();

        // A stray constant nobody reads is not an output, unless the graph is constants only.
        var computed = sinks.Where(n => n.Op is not "Const" and not "Placeholder").ToList();
        return [.. (computed.Count > 0 ? computed : sinks).Select(n => n.Name)];
    }

    private static HashSet<string> Reachable(List<string> outputs, Dictionary<string, TfNode> nodes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(outputs);
        while (stack.Count > 0)
        {
            var name = stack.Pop();
            if (seen.Add(name))
            {
                foreach (var input in nodes[name].Inputs)
                {
                    stack.Push(input.Node);
                }
            }
        }

        return seen;
    }

    /// <summary>Kahn's algorithm, taking ready nodes in file order so that the IR order is deterministic.</summary>
    private static List<TfNode> TopologicalOrder(List<TfNode> nodes)
    {
        var position = nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var pending = nodes.ToDictionary(n => n.Name, n => n.Inputs.Select(i => i.Node).Distinct().Count(), StringComparer.Ordinal);
        var consumers = nodes.SelectMany(n => n.Inputs.Select(i => i.Node).Distinct().Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);
        var ready = new PriorityQueue<TfNode, int>();
        foreach (var node in nodes.Where(n => pending[n.Name] == 0))
        {
            ready.Enqueue(node, position[node.Name]);
        }

        var result = new List<TfNode>(nodes.Count);
        while (ready.TryDequeue(out var node, out _))
        {
            result.Add(node);
            foreach (var consumer in consumers[node.Name])
            {
                if (--pending[consumer.Name] == 0)
                {
                    ready.Enqueue(consumer, position[consumer.Name]);
                }
            }
        }

        return result;
    }

    private static Graph Convert(List<TfNode> order, List<string> outputs, ImportOptions options, DiagnosticBag bag)
    {
        var ir = new Dictionary<string, Node>(StringComparer.Ordinal);
        var valueOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var integers = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        var tfNames = new HashSet<string>(order.Select(n => n.Name), StringComparer.Ordinal);
        var context = new ConversionContext(ir, valueOf, integers, tfNames.Contains, options);
        var failed = new HashSet<string>(StringComparer.Ordinal);

        // Unknown ops first, all of them: the most common problem gets one complete line.
        foreach (var node in order.Where(n => !Converters.ByOp.ContainsKey(n.Op)))
        {
            bag.Add(Problem.UnsupportedOp, node.Name, node.Op);
            failed.Add(node.Name);
        }

        foreach (var node in order.Where(n => !failed.Contains(n.Name)))
        {
            // A node that reads a node that could not be converted is not itself at fault: skip it quietly.
            if (node.Inputs.Any(i => failed.Contains(i.Node)))
            {
                failed.Add(node.Name);
                continue;
            }

            var secondary = node.Inputs.Where(i => i.Index != 0).ToList();
            if (secondary.Count > 0)
            {
                bag.Add(Problem.UnsupportedOutput, node.Name,
                    $"reads output {secondary[0].Index} of '{secondary[0].Node}'; only output 0 of a node is supported");
                failed.Add(node.Name);
                continue;
            }

            context.Node = node;
            try
            {
                Converters.ByOp[node.Op](context);
            }
            catch (ImportException e)
            {
                bag.Add(e.Problem, node.Name, $"{node.Op}: {e.Message}");
                failed.Add(node.Name);
            }
            catch (ShapeException e)
            {
                bag.Add(Problem.InvalidNode, node.Name, $"{node.Op}: {e.Message}");
                failed.Add(node.Name);
            }
        }

        var irOutputs = new List<string>();
        foreach (var output in outputs.Where(o => !failed.Contains(o)))
        {
            if (valueOf.TryGetValue(output, out var value))
            {
                irOutputs.Add(value);
            }
            else
            {
                bag.Add(Problem.BadOutput, output, "an integer constant cannot be a model output");
            }
        }

        return bag.HasErrors ? Graph.Create([], []) : Graph.Create(context.Emitted, irOutputs);
    }
}
