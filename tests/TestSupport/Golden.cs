using System.Text;
using Xunit.Sdk;

namespace Mpc.TestSupport;

/// <summary>
/// Golden files for review: text compared exactly with <c>tests/&lt;Project&gt;/Golden/&lt;case&gt;/&lt;file&gt;</c>.
/// </summary>
/// <remarks>
/// <c>MPC_UPDATE_GOLDEN=1</c> rewrites the files. Otherwise a missing golden is written and the test
/// passes locally (so a new case can be reviewed as a diff), but fails under <c>CI=true</c>; a
/// different golden fails with the first differing line. Line endings are normalised to <c>\n</c>.
/// </remarks>
public static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("MPC_UPDATE_GOLDEN") == "1";

    private static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Compares <paramref name="actual"/> with the golden file <paramref name="caseName"/>/<paramref name="fileName"/>.</summary>
    /// <param name="project">Test project folder name under tests/, e.g. "Compiler.Tests".</param>
    public static void Verify(string project, string caseName, string fileName, string actual)
    {
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        var path = Path.Combine(RepoPaths.Root, "tests", project, "Golden", caseName, fileName);
        if (Updating || (!File.Exists(path) && !OnCi))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }

        if (!File.Exists(path))
        {
            throw new XunitException($"golden file {Relative(path)} is missing; run the tests with MPC_UPDATE_GOLDEN=1 and review the new file");
        }

        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected == actual)
        {
            return;
        }

        throw new XunitException(FirstDifference(Relative(path), expected, actual));
    }

    /// <summary>Describes the first line where two texts differ, with line numbers.</summary>
    public static string FirstDifference(string name, string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var n = Math.Min(e.Length, a.Length);
        for (var i = 0; i < n; i++)
        {
            if (e[i] != a[i])
            {
                return $"{name} differs at line {i + 1}:\n  golden: {e[i]}\n  actual: {a[i]}\n(MPC_UPDATE_GOLDEN=1 rewrites the golden; review the diff)";
            }
        }

        return $"{name} differs in length: golden has {e.Length} lines, actual has {a.Length}\n(MPC_UPDATE_GOLDEN=1 rewrites the golden; review the diff)";
    }

    private static string Relative(string path) => Path.GetRelativePath(RepoPaths.Root, path);
}
