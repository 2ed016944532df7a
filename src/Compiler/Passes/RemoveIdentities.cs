using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// Removes Identity nodes (frozen graphs read every variable through one, <c>w/read</c>), so that the
/// patterns of later passes see constants and layers directly.
/// </summary>
/// <remarks>
/// Requires nothing. Guarantees no Identity remains, except one that is a graph output reading a
/// graph input or another output (there the name cannot move). An Identity that is an output
/// gives its name to the node it reads (the seed exporter's final Identity "output").
/// </remarks>
public sealed class RemoveIdentities : IPass
{
    public string Name => nameof(RemoveIdentities);

    public Graph Run(Graph graph)
    {
        var editor = new GraphEditor(graph);
        foreach (var identity in graph.Nodes.OfType<Identity>())
        {
            var source = editor[identity.Name] is Identity current ? current.X : null;
            if (source is null)
            {
                continue;
            }

            if (!editor.IsOutput(identity.Name))
            {
                editor.RedirectUses(identity.Name, source);
                editor.Remove(identity.Name);
            }
            else if (editor[source] is not Input && !editor.IsOutput(source))
            {
                editor.Remove(identity.Name);
                editor.Rename(source, identity.Name);
            }
        }

        return editor.ToGraph();
    }
}
