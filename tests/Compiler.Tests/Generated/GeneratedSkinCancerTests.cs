using Mpc.Compiler.Cli;
using Mpc.TestSupport;
using Xunit;
using CompileVerb = Mpc.Compiler.Cli.CompileOptions;

namespace Mpc.Compiler.Tests.Generated;

/// <summary>
/// The checked-in src/Generated.SkinCancer is a golden: regenerating it from models/skin_cancer with
/// the command its files record must give exactly the committed files, and no generated file may be
/// left over from an older model.
/// </summary>
public sealed class GeneratedSkinCancerTests
{
    /// <summary>The command that produced the checked-in project (also in its README and every file's header).</summary>
    public static readonly CompileVerb Command = new()
    {
        Model = "models/skin_cancer/model.pb",
        Name = "SkinCancer",
        Out = "src/Generated.SkinCancer",
        Calibration = ["models/skin_cancer/calibration.npy"],
        OutputActivation = "softmax",
    };

    [Fact]
    public void RegeneratingGivesTheCommittedProject()
    {
        var root = RepoPaths.Root;
        var result = ModelCompiler.Compile(Path.Combine(root, Command.Model), CompileCommand.ToCompilerOptions(Command, root));
        var folder = Path.Combine(root, Command.Out);
        foreach (var file in result.Files)
        {
            var path = Path.Combine(folder, file.Path);
            Assert.True(File.Exists(path), $"{Command.Out}/{file.Path} is missing: run `{CompileCommand.CommandLine(Command)}` and commit the result");
            var committed = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            if (committed != file.Text)
            {
                Assert.Fail(Golden.FirstDifference($"{Command.Out}/{file.Path}", committed, file.Text) + $"\nregenerate with `{CompileCommand.CommandLine(Command)}`");
            }
        }

        var expected = result.Files.Where(f => f.Path.StartsWith("Layers/", StringComparison.Ordinal)).Select(f => Path.GetFileName(f.Path)).Order().ToArray();
        var present = Directory.GetFiles(Path.Combine(folder, "Layers"), "*.cs").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(expected, present);
    }

    [Fact]
    public void TheRecordedCommandIsTheOneThisTestRuns()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, Command.Out, "README.md"));
        Assert.Contains(CompileCommand.CommandLine(Command), readme, StringComparison.Ordinal);
    }
}
