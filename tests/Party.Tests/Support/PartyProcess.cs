using System.Diagnostics;
using System.Text;
using Mpc.PartyHost;

namespace Mpc.Party.Tests.Support;

/// <summary>
/// PartyHost as a separate OS process (one per role), with its stdout and stderr collected. The
/// process is killed (with its children) when disposed, so a failing test leaves nothing running.
/// </summary>
internal sealed class PartyProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly object _lock = new();

    private PartyProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _output.ToString();
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _error.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts PartyHost with the model variant (max, avg, ...) and arguments.</summary>
    public static PartyProcess Start(string variant, params string[] args)
    {
        // The SDK tells child processes which muxer runs them; outside it, "dotnet" on the PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PartyHost.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment[ExampleModel.EnvironmentVariable] = variant;
        var process = new Process { StartInfo = info };
        var party = new PartyProcess(process, string.Join(" ", args.Take(3)));
        process.OutputDataReceived += (_, e) => party.Append(party._output, e.Data);
        process.ErrorDataReceived += (_, e) => party.Append(party._error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return party;
    }

    /// <summary>Waits until a stderr line contains <paramref name="text"/>; false if the process exits or the time runs out first.</summary>
    public bool WaitForError(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (!_error.ToString().Contains(text, StringComparison.Ordinal))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _process.HasExited)
                {
                    return _error.ToString().Contains(text, StringComparison.Ordinal);
                }

                Monitor.Wait(_lock, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
            }

            return true;
        }
    }

    /// <summary>The exit code, once the process and its output streams have finished.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"'{Name}' is still running after {timeout.TotalSeconds} s\nstderr:\n{Error}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    public override string ToString() => $"{Name}: stdout:\n{Output}\nstderr:\n{Error}";

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            target.Append(line).Append('\n');
            Monitor.PulseAll(_lock);
        }
    }
}
