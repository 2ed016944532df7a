namespace Mpc.Compiler.Ir;

/// <summary>
/// Checks the invariants every pass must keep: unique names, inputs defined before use, outputs
/// defined, float operands, and every node's shape equal to what <see cref="ShapeInference"/> computes.
/// Tests run it after every pass; a failure is a compiler bug, not a user error.
/// </summary>
public static class Verifier
{
    /// <summary>Every violated invariant, one message each (empty when the graph is well formed).</summary>
    public static IReadOnlyList<string> Check(Graph graph)
    {
        var problems = new List<string>();
        var seen = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (string.IsNullOrEmpty(node.Name))
            {
                problems.Add($"a {node.Op} node has no name");
            }

            var ok = true;
            foreach (var input in node.Inputs)
            {
                if (!seen.TryGetValue(input, out var producer))
                {
                    problems.Add($"'{node.Name}' reads '{input}', which is not defined before it");
                    ok = false;
                }
                else if (producer.ElementType != ElementType.Float32)
                {
                    problems.Add($"'{node.Name}' reads '{input}' of type {producer.ElementType}; operations take float32");
                }
            }

            if (ok)
            {
                try
                {
                    var inferred = ShapeInference.Infer(node, n => seen[n].Shape);
                    if (!inferred.Equals(node.Shape))
                    {
                        problems.Add($"'{node.Name}' ({node.Op}) has shape {node.Shape} but its inputs give {inferred}");
                    }
                }
                catch (ShapeException e)
                {
                    problems.Add($"'{node.Name}' ({node.Op}): {e.Message}");
                }
            }

            if (!seen.TryAdd(node.Name, node))
            {
                problems.Add($"duplicate node name '{node.Name}'");
            }
        }

        if (graph.Outputs.Length == 0)
        {
            problems.Add("the graph has no outputs");
        }

        problems.AddRange(graph.Outputs.Where(o => !seen.ContainsKey(o)).Select(o => $"output '{o}' is not a node"));
        return problems;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every problem, naming <paramref name="stage"/>.</summary>
    public static void Verify(Graph graph, string stage = "graph")
    {
        var problems = Check(graph);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"IR verification failed after {stage}:\n  " + string.Join("\n  ", problems));
        }
    }
}
