using CommandLine;
using CommandLine.Text;
using Mpc.Runtime;

namespace Mpc.Compiler.Cli;

/// <summary>
/// <c>mpcc</c>: one CommandLineParser verb per command (inspect, run, compile; evaluate slots in
/// as a further verb). Exit codes: 0 success, 2 usage or input error, 1 run-time failure. Errors are
/// one line per problem on stderr, never a stack trace.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs mpcc with explicit output streams (tests call this in process).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        using var parser = new Parser(s =>
        {
            s.HelpWriter = null;
            s.CaseSensitive = true;
            s.CaseInsensitiveEnumValues = false;
        });
        var result = parser.ParseArguments<InspectOptions, RunOptions, CompileOptions, EvaluateOptions>(args);
        try
        {
            return result.MapResult(
                (InspectOptions o) => InspectCommand.Execute(o, stdout),
                (RunOptions o) => RunCommand.Execute(o, stdout, stderr),
                (CompileOptions o) => CompileCommand.Execute(o, stdout),
                (EvaluateOptions o) => EvaluateCommand.Execute(o, stdout, (protocol, graph) => Secure.SecureEvaluation.Create(o, protocol, graph, stdout)),
                errors => Usage(result, errors.ToList(), stdout, stderr));
        }
        catch (MpcException e)
        {
            foreach (var line in e.Message.Split('\n'))
            {
                stderr.WriteLine($"mpcc: {line}");
            }

            return e.ExitCode;
        }
#pragma warning disable CA1031 // The last line of defence: a bug still gets one line and exit code 1, not a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"mpcc: internal error ({e.GetType().Name}): {e.Message}");
            return 1;
        }
    }

    private static int Usage(ParserResult<object> result, List<Error> errors, TextWriter stdout, TextWriter stderr)
    {
        if (errors.Any(e => e is HelpRequestedError or HelpVerbRequestedError or VersionRequestedError))
        {
            var verbChosen = result.TypeInfo.Current.GetCustomAttributes(typeof(VerbAttribute), false).Length > 0;
            stdout.WriteLine(HelpText.AutoBuild(result, h =>
            {
                h.Heading = "mpcc: the MpcCompiler command line";
                h.Copyright = string.Empty;
                h.AdditionalNewLineAfterOption = false;
                return h;
            }, e => e, verbsIndex: !verbChosen));
            return 0;
        }

        var verb = VerbName(result);
        foreach (var error in errors)
        {
            stderr.WriteLine($"mpcc: {Describe(error)}" + (verb is null ? " (see 'mpcc --help')" : $" (see 'mpcc {verb} --help')"));
        }

        return 2;

        static string? VerbName(ParserResult<object> r) => r.TypeInfo.Current.GetCustomAttributes(typeof(VerbAttribute), false)
            .OfType<VerbAttribute>().FirstOrDefault()?.Name;
    }

    private static string Describe(Error error) => error switch
    {
        NoVerbSelectedError => "no command given: use inspect, run, compile or evaluate",
        BadVerbSelectedError e => $"unknown command '{e.Token}': use inspect, run, compile or evaluate",
        MissingRequiredOptionError { NameInfo.LongName: "" } => "missing the MODEL argument (a .pb file)",
        MissingRequiredOptionError e => $"missing required option --{e.NameInfo.LongName}",
        UnknownOptionError e => $"unknown option '{(e.Token.Length > 1 ? "--" : "-")}{e.Token}'",
        MissingValueOptionError e => $"option --{e.NameInfo.LongName} needs a value",
        BadFormatConversionError e => $"option --{e.NameInfo.LongName} has a value of the wrong form",
        RepeatedOptionError e => $"option --{e.NameInfo.LongName} is given more than once",
        SequenceOutOfRangeError e => $"option --{e.NameInfo.LongName} has the wrong number of values",
        _ => $"invalid command line ({error.Tag})",
    };
}
