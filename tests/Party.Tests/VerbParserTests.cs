using Mpc.Party.CommandLine;
using Xunit;

namespace Mpc.Party.Tests;

public sealed class VerbParserTests
{
    private string? _protocol;
    private long _iterations;
    private bool _plaintext;
    private string? _model;

    private IReadOnlyList<Verb> Verbs() =>
    [
        new Verb("predict", "Run a private prediction.",
        [
            OptionSpec.Choice("protocol", "Protocol.", ["securenn", "pond"], "securenn"),
            OptionSpec.Text("model", "Model file or URL.", required: true),
            OptionSpec.Integer("iterations", "Repetitions.", 1, 1000, 1),
            OptionSpec.Flag("plaintext", "Skip secure computation."),
        ],
        a =>
        {
            _protocol = a.Text("protocol");
            _iterations = a.Integer("iterations");
            _plaintext = a.Flag("plaintext");
            _model = a.Text("model");
            return 0;
        }),
        new Verb("party", "Run one party.", [OptionSpec.Choice("role", "Role.", ["server0", "server1", "helper"]) with { Required = true }], _ => 7),
    ];

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = VerbParser.Run("skincancer", Verbs(), args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void ParsesValuesFlagsAndDefaults()
    {
        var (code, _, err) = Run("predict", "--model", "m.pb", "--plaintext", "--iterations=3");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.Equal("securenn", _protocol);
        Assert.Equal(3, _iterations);
        Assert.True(_plaintext);
        Assert.Equal("m.pb", _model);
    }

    [Fact]
    public void ReturnsTheHandlersExitCode() => Assert.Equal(7, Run("party", "--role", "helper").Code);

    [Theory]
    [InlineData(new[] { "predict", "--model", "m", "--protocol", "spdz" }, "--protocol expects one of securenn, pond, got 'spdz'")]
    [InlineData(new[] { "predict", "--model", "m", "--iterations", "0" }, "--iterations expects an integer in [1, 1000], got '0'")]
    [InlineData(new[] { "predict", "--model", "m", "--iterations", "x" }, "--iterations expects an integer in [1, 1000], got 'x'")]
    [InlineData(new[] { "predict", "--model", "m", "--bogus" }, "unknown option --bogus")]
    [InlineData(new[] { "predict" }, "missing required option --model")]
    [InlineData(new[] { "predict", "--model" }, "--model needs a value (PATH)")]
    [InlineData(new[] { "predict", "--model", "a", "--model", "b" }, "--model is given twice")]
    [InlineData(new[] { "predict", "--model", "m", "--plaintext=yes" }, "--plaintext is a flag and takes no value")]
    [InlineData(new[] { "predict", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "fly" }, "unknown command 'fly'; commands: predict, party")]
    public void UsageErrorsNameTheFlagAndExitWith2(string[] args, string expected)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(VerbParser.UsageError, code);
        Assert.Contains(expected, err, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.Null(_model);
    }

    [Fact]
    public void HelpPerVerbListsEveryOptionWithDefaults()
    {
        var (code, output, _) = Run("predict", "--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: skincancer predict [options]", output, StringComparison.Ordinal);
        Assert.Contains("--protocol securenn|pond", output, StringComparison.Ordinal);
        Assert.Contains("(default: securenn)", output, StringComparison.Ordinal);
        Assert.Contains("--model PATH", output, StringComparison.Ordinal);
        Assert.Contains("(required)", output, StringComparison.Ordinal);
        Assert.Contains("--plaintext ", output, StringComparison.Ordinal);
        Assert.Null(_model);
    }

    [Fact]
    public void ProgramHelpListsCommandsAndNoArgumentsIsAnError()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("predict  Run a private prediction.", output, StringComparison.Ordinal);
        Assert.Contains("party    Run one party.", output, StringComparison.Ordinal);
        var (code2, _, err2) = Run();
        Assert.Equal(VerbParser.UsageError, code2);
        Assert.Contains("usage: skincancer <command>", err2, StringComparison.Ordinal);
    }
}
