using Mpc.Compiler.Ir;

namespace Mpc.Compiler.Passes;

/// <summary>
/// A pure graph-to-graph transformation. Each pass documents what it requires of its input and what
/// it guarantees of its output; every pass keeps the plaintext result (within float rounding) and
/// the names of the graph's inputs and outputs.
/// </summary>
public interface IPass
{
    /// <summary>The name used by <c>--dump-ir-after</c> and in golden dumps (the class name).</summary>
    string Name { get; }

    Graph Run(Graph graph);
}
