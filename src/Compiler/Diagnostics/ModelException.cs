using System.Text;
using Mpc.Runtime;

namespace Mpc.Compiler.Diagnostics;

/// <summary>
/// A model that cannot be imported. The message has one line per kind of problem, each naming the
/// file and every offending node, so a user fixes everything in one round (TF Encrypted's converter
/// stopped at the first unknown op). Exit code 2.
/// </summary>
public sealed class ModelException : MpcInputException
{
    public ModelException(string file, IReadOnlyList<Diagnostic> diagnostics)
        : base(Format(file, diagnostics))
    {
        File = file;
        Diagnostics = diagnostics;
    }

    public string File { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public static ModelException Single(string file, Problem problem, string node, string detail) =>
        new(file, [new Diagnostic(problem, node, detail)]);

    private static string Format(string file, IReadOnlyList<Diagnostic> diagnostics)
    {
        var sb = new StringBuilder();
        foreach (var group in diagnostics.GroupBy(d => d.Problem).OrderBy(g => g.Key))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            var items = group.Select(d => string.IsNullOrEmpty(d.Node) ? d.Detail : $"'{d.Node}' ({d.Detail})").ToList();
            var count = group.Count(d => !string.IsNullOrEmpty(d.Node));
            sb.Append(file).Append(": ").Append(Diagnostic.Title(group.Key));
            if (count > 0)
            {
                sb.Append(" in ").Append(count).Append(count == 1 ? " node" : " nodes");
            }

            sb.Append(": ").Append(string.Join("; ", items));
        }

        return sb.ToString();
    }
}

/// <summary>Collects diagnostics while importing so that all of them are reported together.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public bool HasErrors => _items.Count > 0;

    public IReadOnlyList<Diagnostic> Items => _items;

    public void Add(Problem problem, string node, string detail) => _items.Add(new Diagnostic(problem, node, detail));

    public void ThrowIfAny(string file)
    {
        if (_items.Count > 0)
        {
            throw new ModelException(file, [.. _items]);
        }
    }
}
