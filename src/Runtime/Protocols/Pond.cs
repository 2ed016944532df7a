using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// TF Encrypted's Pond: the same Beaver linear layers and products as <see cref="SecureNN"/>, with
/// ReLU and sigmoid by TF Encrypted's polynomials (<see cref="PondPolynomials"/>): cheap (3 or 4
/// Beaver rounds) but approximate, and meaningless outside about [-14, 14] (ReLU) or [-10, 10]
/// (sigmoid). Max pooling has no polynomial counterpart and is not supported (as in TF Encrypted).
/// </summary>
public sealed class Pond : Protocol
{
    public const string ProtocolName = "pond";

    public Pond(PartyContext context, ExecutionMode mode = ExecutionMode.Inline, PreprocessingBuffer? buffer = null)
        : base(context, mode, buffer)
    {
    }

    public override string Name => ProtocolName;

    /// <summary>ReLU by the degree-8 polynomial; see <see cref="Protocol.EvaluatePolynomial"/> for rounds, bytes and accuracy.</summary>
    public override void Relu(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits) =>
        EvaluatePolynomial(count, x, y, fracBits, PondPolynomials.Relu);

    /// <summary>Always throws: Pond has no comparison, so max pooling needs the securenn protocol (or an average pool).</summary>
    public override void MaxPool(in PoolGeometry g, ReadOnlySpan<ulong> x, Span<ulong> y) =>
        throw new MpcInputException("max pooling is not supported by the pond protocol (it has no secure comparison, as in TF Encrypted); use --protocol securenn or an average pool");
}
