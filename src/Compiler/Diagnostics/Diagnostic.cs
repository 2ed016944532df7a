namespace Mpc.Compiler.Diagnostics;

/// <summary>The kinds of problem a model can have; each becomes one line of the error message.</summary>
public enum Problem
{
    NotAGraphDef,
    DuplicateNode,
    MissingInput,
    Cycle,
    UnsupportedOp,
    UnsupportedAttribute,
    UnsupportedType,
    UnsupportedOutput,
    DynamicShape,
    InvalidNode,
    BadOutput,
    NotSecurable,
    FixedPointRange,
}

/// <summary>One problem at one node: <paramref name="Detail"/> says what is wrong there.</summary>
public sealed record Diagnostic(Problem Problem, string Node, string Detail)
{
    /// <summary>The title of a problem's line in the message.</summary>
    public static string Title(Problem problem) => problem switch
    {
        Problem.NotAGraphDef => "not a TensorFlow GraphDef",
        Problem.DuplicateNode => "duplicate node name",
        Problem.MissingInput => "input refers to a missing node",
        Problem.Cycle => "cycle (control flow is not supported)",
        Problem.UnsupportedOp => "unsupported operation",
        Problem.UnsupportedAttribute => "unsupported attribute",
        Problem.UnsupportedType => "unsupported data type",
        Problem.UnsupportedOutput => "unsupported use of a secondary output",
        Problem.DynamicShape => "dynamic shape (only the batch dimension may be unknown)",
        Problem.InvalidNode => "invalid node",
        Problem.BadOutput => "unknown output",
        Problem.NotSecurable => "not supported under secure computation",
        Problem.FixedPointRange => "values too large for 64-bit fixed point",
        _ => problem.ToString(),
    };
}
