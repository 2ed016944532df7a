using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mpc.Runtime;

namespace Mpc.Compiler.Cli.Roslyn;

/// <summary>
/// Compiles emitted C# in memory with Roslyn and loads it, so that <c>mpcc run --protocol</c> can run
/// any GraphDef securely without publishing, and tests can assert that generated code compiles
/// with no warnings. The generated code references Mpc.Runtime and Mpc.Party exactly as the
/// published project does; those assemblies are shared with the host (not loaded twice), so types
/// such as the protocol interfaces are the same on both sides.
/// </summary>
public static class InMemoryCompiler
{
    /// <summary>A source file: its path inside the generated project (for diagnostics) and text.</summary>
    public readonly record struct Source(string Path, string Text);

    /// <summary>
    /// Compiles <paramref name="sources"/> into an assembly named <paramref name="assemblyName"/>.
    /// Any warning or error fails the compilation: generated code must be clean.
    /// </summary>
    public static Assembly Compile(string assemblyName, IEnumerable<Source> sources, IEnumerable<Assembly> references)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parseOptions, s.Path)).ToList();
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            References(references),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable,
                deterministic: true,
                warningLevel: 9999));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();
        if (!result.Success || problems.Count > 0)
        {
            throw new GeneratedCodeException(problems.Select(d => d.ToString()).ToImmutableArray());
        }

        image.Position = 0;
        return new SharedLoadContext(assemblyName).LoadFromStream(image);
    }

    private static List<MetadataReference> References(IEnumerable<Assembly> extra)
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToHashSet(StringComparer.Ordinal);
        foreach (var assembly in extra)
        {
            paths.Add(assembly.Location);
        }

        return paths.Order(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }

    /// <summary>A collectible context that resolves every dependency from the default context.</summary>
    private sealed class SharedLoadContext(string name) : AssemblyLoadContext(name, isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}

/// <summary>The emitted code did not compile cleanly: a compiler bug, reported with every diagnostic.</summary>
public sealed class GeneratedCodeException(ImmutableArray<string> diagnostics)
    : MpcException($"generated code does not compile cleanly ({diagnostics.Length} diagnostics):\n  " + string.Join("\n  ", diagnostics))
{
    public ImmutableArray<string> Diagnostics { get; } = diagnostics;
}
