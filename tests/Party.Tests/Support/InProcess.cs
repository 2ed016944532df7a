using Mpc.Party.Models;
using Mpc.PartyHost;

namespace Mpc.Party.Tests.Support;

/// <summary>What a run of the party program printed and returned.</summary>
internal sealed record RunResult(int ExitCode, string Out, string Error)
{
    /// <summary>The error lines, for asserting "one clear line, no stack trace".</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs <see cref="PartyProgram"/> in this process with captured output.</summary>
internal static class InProcess
{
    public static readonly ExampleModel MaxModel = new(averagePool: false);
    public static readonly ExampleModel AverageModel = new(averagePool: true);

    public static RunResult Run(CompiledModel model, params string[] args) => Run(model, terminal: false, args);

    public static RunResult Run(CompiledModel model, bool terminal, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = PartyProgram.Run("partyhost", model, args, new PartyConsole(output, error, terminal));
        return new RunResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs several commands at once, each on its own thread (the roles of a deployment).</summary>
    public static RunResult[] RunTogether(CompiledModel model, TimeSpan timeout, params string[][] commands) =>
        RunTogether(timeout, [.. commands.Select(c => (model, c))]);

    /// <summary>As above, each command with its own compiled model (parties of different binaries).</summary>
    public static RunResult[] RunTogether(TimeSpan timeout, params (CompiledModel Model, string[] Args)[] commands)
    {
        var results = new RunResult?[commands.Length];
        var threads = commands.Select((c, i) => new Thread(() => results[i] = Run(c.Model, c.Args)) { IsBackground = true, Name = string.Join(" ", c.Args.Take(3)) }).ToList();
        threads.ForEach(t => t.Start());
        foreach (var thread in threads)
        {
            if (!thread.Join(timeout))
            {
                throw new TimeoutException($"'{thread.Name}' did not finish within {timeout}");
            }
        }

        return [.. results.Select(r => r!)];
    }
}
