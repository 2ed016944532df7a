namespace Mpc.Compiler.Frontend.Tf;

/// <summary>How to import a GraphDef.</summary>
/// <param name="BatchSize">
/// The size given to an unknown (-1) leading dimension of every Placeholder; null means 1. A
/// Placeholder whose leading dimension is fixed keeps it, and must equal BatchSize when one is given.
/// </param>
/// <param name="Outputs">The output nodes; null means every node nothing else reads (but NoOps and unused constants).</param>
public sealed record ImportOptions(int? BatchSize = null, IReadOnlyList<string>? Outputs = null)
{
    public static readonly ImportOptions Default = new();
}
