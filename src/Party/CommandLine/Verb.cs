using System.Globalization;

namespace Mpc.Party.CommandLine;

/// <summary>A command of the party program: its name, help, options and handler.</summary>
public sealed record Verb(string Name, string Help, IReadOnlyList<OptionSpec> Options, Func<ParsedArguments, int> Handler);

/// <summary>What an option's value is.</summary>
public enum OptionKind
{
    /// <summary>Free text: a path, a URL, a name.</summary>
    Text,

    /// <summary>An integer in [Min, Max].</summary>
    Integer,

    /// <summary>One of <see cref="OptionSpec.Choices"/>.</summary>
    Choice,

    /// <summary>Present or absent; takes no value.</summary>
    Flag,
}

/// <summary>One <c>--name value</c> option of a verb.</summary>
public sealed record OptionSpec(string Name, string Help, OptionKind Kind = OptionKind.Text)
{
    public bool Required { get; init; }

    /// <summary>The value used when the option is absent (shown in help).</summary>
    public string? Default { get; init; }

    public long Min { get; init; } = long.MinValue;

    public long Max { get; init; } = long.MaxValue;

    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>How help shows the value: <c>PATH</c>, <c>N</c>, <c>securenn|pond</c>.</summary>
    public string ValueName => Kind switch
    {
        OptionKind.Integer => "N",
        OptionKind.Choice => string.Join("|", Choices),
        _ => Name.Contains("file", StringComparison.Ordinal) || Name is "model" or "config" or "out" ? "PATH" : "VALUE",
    };

    public static OptionSpec Text(string name, string help, bool required = false, string? defaultValue = null) =>
        new(name, help) { Required = required, Default = defaultValue };

    public static OptionSpec Integer(string name, string help, long min, long max, long? defaultValue = null) =>
        new(name, help, OptionKind.Integer) { Min = min, Max = max, Default = defaultValue?.ToString(CultureInfo.InvariantCulture) };

    public static OptionSpec Choice(string name, string help, IReadOnlyList<string> choices, string? defaultValue = null) =>
        new(name, help, OptionKind.Choice) { Choices = choices, Default = defaultValue };

    public static OptionSpec Flag(string name, string help) => new(name, help, OptionKind.Flag);

    internal bool Check(string value, out string problem)
    {
        problem = "";
        switch (Kind)
        {
            case OptionKind.Integer:
                if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < Min || n > Max)
                {
                    problem = Max == long.MaxValue ? $"expects an integer >= {Min}" : $"expects an integer in [{Min}, {Max}]";
                    return false;
                }

                return true;
            case OptionKind.Choice:
                if (!Choices.Contains(value))
                {
                    problem = $"expects one of {string.Join(", ", Choices)}";
                    return false;
                }

                return true;
            case OptionKind.Text:
                if (value.Length == 0)
                {
                    problem = "expects a non-empty value";
                    return false;
                }

                return true;
            default:
                return true;
        }
    }
}

/// <summary>The options given to a verb, checked against its specs; absent options fall back to their defaults.</summary>
public sealed class ParsedArguments
{
    private readonly Verb _verb;
    private readonly IReadOnlyDictionary<string, string> _values;

    internal ParsedArguments(Verb verb, IReadOnlyDictionary<string, string> values)
    {
        _verb = verb;
        _values = values;
    }

    /// <summary>True if the option was given on the command line.</summary>
    public bool IsSet(string name) => _values.ContainsKey(Spec(name).Name);

    /// <summary>The option's value, its default, or null.</summary>
    public string? Text(string name) => _values.TryGetValue(Spec(name).Name, out var v) ? v : Spec(name).Default;

    public string RequiredText(string name) =>
        Text(name) ?? throw new InvalidOperationException($"option --{name} of '{_verb.Name}' has no value and no default");

    public long Integer(string name) => long.Parse(RequiredText(name), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public bool Flag(string name) => Text(name) == "true";

    private OptionSpec Spec(string name) =>
        _verb.Options.FirstOrDefault(o => o.Name == name) ??
        throw new InvalidOperationException($"verb '{_verb.Name}' has no option --{name}");
}
