using Mpc.Compiler;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Runtime.IO;
using Xunit;

namespace Mpc.Party.Tests.Support;

/// <summary>The float32 plaintext executor on the example .pb: the reference for every secure run.</summary>
internal static class Plaintext
{
    /// <summary>f = 12: inputs, weights and every truncation contribute ~2^-12; a logit sums 64 products.</summary>
    public const double Tolerance = 0.005;

    /// <summary>The plaintext logits of every image of <paramref name="input"/> (batch size 1).</summary>
    public static float[] Logits(string model, string input)
    {
        var graph = ModelLoader.Load(model, 1);
        var images = Npy.Read(input).Data;
        return [.. Enumerable.Range(0, images.Length / 128).SelectMany(i => PlaintextExecutor.Run(graph, Tensor.Create(Shape.Of(1, 8, 8, 2), images.AsSpan(i * 128, 128))).ToArray())];
    }

    /// <summary>Asserts that the secure logits in the .npy <paramref name="logits"/> match the plaintext within <see cref="Tolerance"/>.</summary>
    public static void AssertMatches(string model, string input, string logits)
    {
        var secure = Npy.Read(logits);
        var expected = Logits(model, input);
        Assert.Equal([expected.Length / 3, 3], secure.Shape);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(secure.Data[i] - expected[i]) <= Tolerance, $"logit {i}: secure {secure.Data[i]}, plaintext {expected[i]}");
        }
    }
}
