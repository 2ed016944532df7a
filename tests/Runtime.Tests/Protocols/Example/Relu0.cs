using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>relu0: ReLU over conv0's output, in place.</summary>
internal static class Relu0
{
    public const string Name = "relu0";
    public const int Length = 1 * 8 * 8 * 4;
    public const int FracBits = 12;

    public static void Run(Protocol p, Span<ulong> x)
    {
        using var step = p.Step(Name);
        p.Relu(Length, x, x, FracBits);
    }
}
