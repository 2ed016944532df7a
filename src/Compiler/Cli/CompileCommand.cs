using System.Globalization;
using System.Text;
using Mpc.Compiler.Emit;
using Mpc.Compiler.Planning;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Compiler.Cli;

/// <summary>
/// <c>mpcc compile MODEL.pb --name N --out DIR</c>: writes the generated project. Every file is written
/// to a temporary name and renamed, so an interrupted run leaves the old file or the new one, never a
/// torn one; generated files that the new model no longer has are removed (only files that carry the
/// generated header: nothing hand-written is touched).
/// </summary>
public static class CompileCommand
{
    public static int Execute(CompileOptions options, TextWriter stdout)
    {
        var result = ModelCompiler.Compile(options.Model, ToCompilerOptions(options, Directory.GetCurrentDirectory()));
        var written = Write(options.Out, result.Files);
        var plan = result.Plan;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"compiled {options.Model} -> {options.Out}: {result.Program.Steps.Length} layers, {written} files written"));
        stdout.WriteLine($"fixed point: {plan.Summary()}");
        stdout.WriteLine($"protocols: {string.Join(", ", result.Program.Protocols)}");
        foreach (var note in result.Program.ProtocolNotes)
        {
            var name = note[..note.IndexOf(':', StringComparison.Ordinal)];
            stdout.WriteLine(result.Program.Protocols.Contains(name)
                ? $"  {name} offered anyway (--allow-inaccurate-pond), its results can be wrong:{note[(name.Length + 1)..]}"
                : $"  not {note}");
        }

        return 0;
    }

    /// <summary>
    /// The compiler's options for these flags, files resolved against <paramref name="baseDirectory"/>
    /// (the command line as given is what the generated files record); the regeneration test builds
    /// them the same way.
    /// </summary>
    public static Compiler.CompileOptions ToCompilerOptions(CompileOptions options, string baseDirectory)
    {
        TruncationMethod? truncation = options.Truncation switch
        {
            null => null,
            "local" => TruncationMethod.Local,
            "helper" => TruncationMethod.Helper,
            _ => throw new MpcInputException($"--truncation expects local or helper, got '{options.Truncation}'"),
        };
        var calibration = options.Calibration.Where(c => c.Length > 0).Select(c => Path.Combine(baseDirectory, c)).ToList();
        return new Compiler.CompileOptions(
            options.Name,
            options.BatchSize,
            calibration,
            InputBound: options.InputBound,
            Plan: new PlanOptions(options.ActivationFracBits, options.WeightFracBits, Truncation: truncation),
            Emit: new EmitOptions(options.PartyProject ?? new EmitOptions().PartyProject, CommandLine(options)),
            OutputActivation: options.OutputActivation,
            AllowInaccuratePond: options.AllowInaccuratePond);
    }

    /// <summary>The canonical command line, recorded in every generated file so that a reviewer can regenerate it.</summary>
    public static string CommandLine(CompileOptions o)
    {
        var sb = new StringBuilder("mpcc compile ").Append(o.Model).Append(" --name ").Append(o.Name).Append(" --out ").Append(o.Out);
        if (o.BatchSize is int b)
        {
            sb.Append(CultureInfo.InvariantCulture, $" --batch-size {b}");
        }

        var calibration = o.Calibration.Where(c => c.Length > 0).ToList();
        if (calibration.Count > 0)
        {
            sb.Append(" --calibration ").Append(string.Join(',', calibration));
        }

        if (o.InputBound is double bound)
        {
            sb.Append(CultureInfo.InvariantCulture, $" --input-bound {bound:R}");
        }

        if (o.ActivationFracBits is int fa)
        {
            sb.Append(CultureInfo.InvariantCulture, $" --activation-frac-bits {fa}");
        }

        if (o.WeightFracBits is int fw)
        {
            sb.Append(CultureInfo.InvariantCulture, $" --weight-frac-bits {fw}");
        }

        if (o.Truncation is not null)
        {
            sb.Append(" --truncation ").Append(o.Truncation);
        }

        if (o.OutputActivation is not null)
        {
            sb.Append(" --output-activation ").Append(o.OutputActivation);
        }

        if (o.AllowInaccuratePond)
        {
            sb.Append(" --allow-inaccurate-pond");
        }

        if (o.PartyProject is not null)
        {
            sb.Append(" --party-project ").Append(o.PartyProject);
        }

        return sb.ToString();
    }

    private static int Write(string folder, IReadOnlyList<GeneratedFile> files)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var keep = new HashSet<string>(files.Select(f => Path.GetFullPath(Path.Combine(folder, f.Path))), StringComparer.Ordinal);
            var written = 0;
            foreach (var file in files)
            {
                var path = Path.Combine(folder, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (File.Exists(path) && File.ReadAllText(path) == file.Text)
                {
                    continue;
                }

                var temporary = path + ".tmp";
                File.WriteAllText(temporary, file.Text, new UTF8Encoding(false));
                File.Move(temporary, path, overwrite: true);
                written++;
            }

            var layers = Path.Combine(folder, "Layers");
            if (Directory.Exists(layers))
            {
                foreach (var stale in Directory.GetFiles(layers, "*.cs").Where(p => !keep.Contains(Path.GetFullPath(p)) && IsGenerated(p)))
                {
                    File.Delete(stale);
                }
            }

            return written;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MpcInputException($"--out {folder}: {e.Message}", e);
        }
    }

    private static bool IsGenerated(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() == "// <auto-generated>";
    }
}
