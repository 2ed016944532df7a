using Mpc.Party.CommandLine;
using Mpc.Party.Commands;
using Mpc.Party.Models;
using Mpc.Runtime;
using Mpc.Runtime.Memory;

namespace Mpc.Party;

/// <summary>
/// The party program every generated model links: <c>return PartyProgram.Run("skincancer", new SkinCancerModel(), args);</c>.
/// Verbs: predict (all roles in one process), party (one computing party), client (input provider
/// and output receiver), share-model (the model owner), make-certs, info. See docs/PARTY.md.
/// </summary>
/// <remarks>
/// Exit codes: 0 success; 2 usage or input errors (a flag, a file, a config, a model, a refused
/// request); 1 run-time failures (a peer that disappears, a timeout). Errors are one line naming
/// the file, flag, field or peer, never a stack trace, never a share, weight or input value.
/// </remarks>
public static class PartyProgram
{
    /// <summary>Runs the program with the process's console; returns the exit code.</summary>
    public static int Run(string program, CompiledModel model, string[] args)
    {
        // The executable's own process: back the GC heap with huge pages (fewer, cheaper page faults).
        HugePages.AdviseGcHeap();
        return Run(program, model, args, PartyConsole.Standard());
    }

    /// <summary>Runs the program with explicit output streams (tests call this in process).</summary>
    public static int Run(string program, CompiledModel model, string[] args, PartyConsole console)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(program);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        try
        {
            model.Description.Validate();
        }
        catch (InvalidOperationException e)
        {
            console.Error.WriteLine($"{program}: internal error: {e.Message}");
            return 1;
        }

        var context = new CommandContext(program, model, console);
        IReadOnlyList<Verb> verbs =
        [
            Guard(context, PredictCommand.Verb(context)),
            Guard(context, PartyCommand.Verb(context)),
            Guard(context, ClientCommand.Verb(context)),
            Guard(context, ShareModelCommand.Verb(context)),
            Guard(context, MakeCertsCommand.Verb(context)),
            Guard(context, InfoCommand.Verb(context)),
        ];
        return VerbParser.Run(program, verbs, args, console.Out, console.Error);
    }

    /// <summary>
    /// Wraps a verb's handler: an <see cref="MpcException"/> becomes its message on stderr (one line per
    /// line of the message, prefixed with the program and the verb or role) and its exit code; anything
    /// else is an internal error with exit code 1. Never a stack trace.
    /// </summary>
    private static Verb Guard(CommandContext context, Verb verb) => verb with
    {
        Handler = arguments =>
        {
            var prefix = $"{context.Program} {(verb.Name == "party" ? arguments.Text("role") : verb.Name)}";
            try
            {
                return verb.Handler(arguments);
            }
            catch (MpcException e)
            {
                foreach (var line in e.Message.Split('\n'))
                {
                    context.Console.Error.WriteLine($"{prefix}: {line}");
                }

                return e.ExitCode;
            }
#pragma warning disable CA1031 // The last line of defence: a bug still gets one line and exit code 1, not a stack trace.
            catch (Exception e)
#pragma warning restore CA1031
            {
                context.Console.Error.WriteLine($"{prefix}: internal error ({e.GetType().Name}): {e.Message}");
                return 1;
            }
        },
    };
}
