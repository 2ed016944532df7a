using Mpc.Compiler.Diagnostics;

namespace Mpc.Compiler.Frontend.Tf;

/// <summary>A problem with the node being converted; the importer records it against that node and goes on.</summary>
internal sealed class ImportException(Problem problem, string detail) : Exception(detail)
{
    public Problem Problem { get; } = problem;
}
