using System.Globalization;
using Mpc.Compiler.Tests.Support;
using Mpc.Runtime.IO;
using Xunit;

namespace Mpc.Compiler.Tests.Cli;

/// <summary>mpcc run --protocol: TF Encrypted's MNIST model compiled in memory and run by three parties over loopback TLS.</summary>
public sealed class SecureRunCliTests : IDisposable
{
    private static readonly float[] ReadmeLogits = [-4.63788f, -2.7191f, 0.18669f, -4.9612f, -6.20349f, -10.09325f, -15.39634f, 14.53234f, -4.47307f, -3.14257f];

    private readonly string _dir = Directory.CreateTempSubdirectory("mpcc-secure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SecureNNGivesArgmax7AndLogitsWithin1e2OfPlaintext()
    {
        var output = Path.Combine(_dir, "logits.npy");
        var result = Mpcc.Run("run", Fixtures.MnistModel, "--input-file", Fixtures.MnistInput, "--protocol", "securenn", "--output-file", output);

        Assert.True(result.Code == 0, result.Err);
        Assert.Contains("securenn, 3 parties over loopback TLS 1.3", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+0\s+7\s", result.Out);
        var check = System.Text.RegularExpressions.Regex.Match(result.Out, @"logit difference ([0-9.Ee+-]+)");
        Assert.True(check.Success, result.Out);
        Assert.True(double.Parse(check.Groups[1].Value, CultureInfo.InvariantCulture) <= 1e-2, check.Value);
        var logits = Npy.Read(output).Data;
        Assert.All(logits.Zip(ReadmeLogits), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-2, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void PondIsRefusedWithTheReason()
    {
        var result = Mpcc.Run("run", Fixtures.MnistModel, "--input-file", Fixtures.MnistInput, "--protocol", "pond");
        Assert.Equal(2, result.Code);
        Assert.Contains("--protocol pond is not available", result.Err, StringComparison.Ordinal);
        Assert.Contains("outside the accurate range [-14, 14]", result.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--plaintext", "--protocol", "securenn" }, "run needs exactly one of --plaintext and --protocol securenn|securenn-fast|pond")]
    [InlineData(new[] { "--protocol", "spdz" }, "--protocol expects securenn, securenn-fast, pond, got 'spdz'")]
    public void ModeErrorsNameTheFlags(string[] flags, string message)
    {
        var result = Mpcc.Run(["run", Fixtures.MnistModel, "--input-file", Fixtures.MnistInput, .. flags]);
        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Err, StringComparison.Ordinal);
    }
}
