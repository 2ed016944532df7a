namespace Mpc.Runtime;

/// <summary>
/// A failure the user can act on: bad input, a bad model, a bad flag or config, an unreachable or
/// misbehaving peer. The message is complete on its own (it names the file, node, field, flag or
/// peer) and is printed without a stack trace; it never contains shares, weights or inputs.
/// </summary>
public class MpcException : Exception
{
    public MpcException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>The process exit code for this failure: 2 for usage and input errors, 1 for run-time failures.</summary>
    public virtual int ExitCode => 1;
}

/// <summary>The input (a file, a flag, a config, a model) is wrong: exit code 2.</summary>
public class MpcInputException : MpcException
{
    public MpcInputException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public override int ExitCode => 2;
}
