namespace Mpc.Party;

/// <summary>Where the party program writes: results to <see cref="Out"/>, errors, logs and progress to <see cref="Error"/>.</summary>
/// <param name="ErrorIsTerminal">Progress lines are printed only to a terminal (and not with --quiet).</param>
public sealed record PartyConsole(TextWriter Out, TextWriter Error, bool ErrorIsTerminal)
{
    /// <summary>The process's standard output and error.</summary>
    public static PartyConsole Standard() => new(Console.Out, Console.Error, !Console.IsErrorRedirected);
}
