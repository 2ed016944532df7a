using Mpc.Compiler.Cli.Roslyn;
using Mpc.Compiler.Emit;
using Mpc.Party;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Compiler.Cli.Secure;

/// <summary>
/// A model compiled by mpcc in memory and run by the party program, without publishing: the emitted
/// layer files and model class are built with Roslyn against the same Mpc.Runtime and Mpc.Party the
/// published executable links, then <c>predict</c> runs every role in this process over loopback
/// TLS, exactly as the executable would.
/// </summary>
public static class InMemoryModel
{
    /// <summary>Builds the generated model class of <paramref name="result"/>.</summary>
    public static Party.Models.CompiledModel Build(CompilationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sources = result.Files
            .Where(f => f.Path.EndsWith(".cs", StringComparison.Ordinal) && f.Path != "Program.cs")
            .Select(f => new InMemoryCompiler.Source(f.Path, f.Text));
        var assembly = InMemoryCompiler.Compile(
            "Generated." + result.Program.Name,
            sources,
            [typeof(Protocol).Assembly, typeof(Party.Models.CompiledModel).Assembly, typeof(System.Collections.Immutable.ImmutableArray).Assembly]);
        var name = $"Mpc.Generated.{result.Program.Name}.{result.Program.Name}Model";
        var type = assembly.GetType(name) ?? throw new MpcException($"the generated assembly has no type {name}");
        return (Party.Models.CompiledModel)Activator.CreateInstance(type)!;
    }

    /// <summary>Runs the party program's <paramref name="args"/> (e.g. predict) for the in-memory model; returns its exit code.</summary>
    public static int RunPartyProgram(Party.Models.CompiledModel model, string[] args, TextWriter stdout, TextWriter stderr) =>
        PartyProgram.Run("mpcc", model, args, new PartyConsole(stdout, stderr, ErrorIsTerminal: false));

    /// <summary>The file name the generated code records for a model path.</summary>
    public static string SourceName(string modelPath) => Path.GetFileName(modelPath);

    /// <summary>The emitter's default options for an in-memory build (no project file is written).</summary>
    public static EmitOptions EmitOptions(string modelPath) => new(CompileCommand: $"mpcc run {modelPath}");
}
