using Mpc.Compiler.Cli;
using Mpc.TestSupport;

namespace Mpc.Compiler.Tests.Support;

/// <summary>The shared TensorFlow fixtures.</summary>
internal static class Fixtures
{
    public static string Utensor => Path.Combine(RepoPaths.Fixtures, "tf", "utensor");

    public static string MnistModel => Path.Combine(RepoPaths.Fixtures, "tf", "tfe-mnist", "mnist_model.pb");

    public static string MnistInput => Path.Combine(RepoPaths.Fixtures, "tf", "tfe-mnist", "mnist_input.npy");

    /// <summary>The float64 re-computation of the MNIST model's logits (fixtures README).</summary>
    public static readonly float[] MnistLogits =
        [-4.63788f, -2.7191f, 0.18669f, -4.9612f, -6.20349f, -10.09325f, -15.39634f, 14.53234f, -4.47307f, -3.14257f];
}

internal static class Compare
{
    public static double MaxAbsError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new Xunit.Sdk.XunitException($"lengths differ: {actual.Length} vs {expected.Length}");
        }

        double max = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)actual[i] - expected[i]));
        }

        return max;
    }

    /// <summary>Max abs error relative to the largest magnitude of the reference.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double scale = 0;
        foreach (var v in expected)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        return MaxAbsError(actual, expected) / Math.Max(scale, 1e-30);
    }

    public static float[] Random(int count, int seed, float half = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1) * half;
        }

        return values;
    }
}

/// <summary>Runs mpcc in process through its real entry point.</summary>
internal static class Mpcc
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = Program.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A temporary folder removed at the end of the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("mpcc-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
