using System.Globalization;
using System.Text;

namespace Mpc.Party.CommandLine;

/// <summary>
/// A small verb-style command line parser for the NativeAOT party program.
/// </summary>
/// <remarks>
/// The compiler (<c>mpcc</c>) uses CommandLineParser; the party binary cannot: CommandLineParser binds
/// options by reflection and NativeAOT reports 18 trim warnings for it. This parser is declarative
/// (verbs and options are data, handlers are delegates), so it needs no reflection. It follows
/// CommandLineParser's conventions: <c>program verb --name value</c>, <c>--name=value</c>, flags
/// without a value, <c>--help</c> for the program and for each verb, and one clear error naming
/// the verb and flag with exit code 2.
/// </remarks>
public static class VerbParser
{
    /// <summary>Exit code for usage errors (unknown verb or option, missing or malformed value).</summary>
    public const int UsageError = 2;

    /// <summary>Parses <paramref name="args"/> and runs the selected verb's handler; returns its exit code.</summary>
    public static int Run(string program, IReadOnlyList<Verb> verbs, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            var writer = args.Length == 0 ? error : output;
            writer.Write(ProgramHelp(program, verbs));
            return args.Length == 0 ? UsageError : 0;
        }

        var verb = verbs.FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            error.WriteLine($"{program}: unknown command '{args[0]}'; commands: {string.Join(", ", verbs.Select(v => v.Name))} (see {program} --help)");
            return UsageError;
        }

        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            output.Write(VerbHelp(program, verb));
            return 0;
        }

        if (!TryParse(verb, args.AsSpan(1), out var parsed, out var message))
        {
            error.WriteLine($"{program} {verb.Name}: {message} (see {program} {verb.Name} --help)");
            return UsageError;
        }

        return verb.Handler(parsed);
    }

    /// <summary>Parses the arguments after the verb name.</summary>
    public static bool TryParse(Verb verb, ReadOnlySpan<string> args, out ParsedArguments parsed, out string message)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        parsed = new ParsedArguments(verb, values);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                message = $"unexpected argument '{arg}'";
                return false;
            }

            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }

            var option = verb.Options.FirstOrDefault(o => o.Name == name);
            if (option is null)
            {
                message = $"unknown option --{name}";
                return false;
            }

            if (values.ContainsKey(name))
            {
                message = $"--{name} is given twice";
                return false;
            }

            string value;
            if (option.Kind == OptionKind.Flag)
            {
                if (inline is not null && inline is not ("true" or "false"))
                {
                    message = $"--{name} is a flag and takes no value";
                    return false;
                }

                value = inline ?? "true";
            }
            else if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                message = $"--{name} needs a value ({option.ValueName})";
                return false;
            }

            if (!option.Check(value, out var problem))
            {
                message = $"--{name} {problem}, got '{value}'";
                return false;
            }

            values[name] = value;
        }

        var missing = verb.Options.Where(o => o.Required && !values.ContainsKey(o.Name)).Select(o => "--" + o.Name).ToList();
        if (missing.Count > 0)
        {
            message = $"missing required option{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}";
            return false;
        }

        message = "";
        return true;
    }

    public static string ProgramHelp(string program, IReadOnlyList<Verb> verbs)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"usage: {program} <command> [options]\n\ncommands:\n");
        var width = verbs.Max(v => v.Name.Length);
        foreach (var v in verbs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {v.Name.PadRight(width)}  {v.Help}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n'{program} <command> --help' describes a command's options.\n");
        return sb.ToString();
    }

    public static string VerbHelp(string program, Verb verb)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"usage: {program} {verb.Name} [options]\n\n{verb.Help}\n\noptions:\n");
        var labels = verb.Options.Select(o => o.Kind == OptionKind.Flag ? $"--{o.Name}" : $"--{o.Name} {o.ValueName}").ToList();
        var width = Math.Max(labels.Count == 0 ? 0 : labels.Max(l => l.Length), "--help".Length);
        for (var i = 0; i < verb.Options.Count; i++)
        {
            var o = verb.Options[i];
            var notes = new List<string>();
            if (o.Required)
            {
                notes.Add("required");
            }

            if (o.Default is not null)
            {
                notes.Add($"default: {o.Default}");
            }

            var suffix = notes.Count > 0 ? $" ({string.Join("; ", notes)})" : "";
            sb.Append(CultureInfo.InvariantCulture, $"  {labels[i].PadRight(width)}  {o.Help}{suffix}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"  {"--help".PadRight(width)}  Show this help.\n");
        return sb.ToString();
    }
}
