using Mpc.Runtime.Kernels;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The communication of one operation, exactly as the protocols send it (tests hold the measured
/// traffic to these numbers). Online: <see cref="Rounds"/>, bytes each server sends
/// (<see cref="ServerBytes"/>, to the other server and the helper together) and bytes the helper
/// sends (<see cref="HelperBytes"/>, to both servers together). Offline: the helper's dealing to
/// server1 (<see cref="OfflineBytes"/>) in <see cref="OfflineRounds"/> rounds.
/// </summary>
public readonly record struct OperationCost(long Rounds, long ServerBytes, long HelperBytes, long OfflineRounds, long OfflineBytes)
{
    /// <summary>All bytes of the operation, both phases, all parties.</summary>
    public long TotalBytes => (2 * ServerBytes) + HelperBytes + OfflineBytes;

    /// <summary>Sequential composition within one operation; its offline dealing is one round however many parts it has.</summary>
    public static OperationCost operator +(OperationCost a, OperationCost b) =>
        new(a.Rounds + b.Rounds, a.ServerBytes + b.ServerBytes, a.HelperBytes + b.HelperBytes, Math.Max(a.OfflineRounds, b.OfflineRounds), a.OfflineBytes + b.OfflineBytes);

    /// <summary>Two operations one after the other, each dealt on its own (offline rounds add too).</summary>
    public static OperationCost Sequence(OperationCost a, OperationCost b) =>
        new(a.Rounds + b.Rounds, a.ServerBytes + b.ServerBytes, a.HelperBytes + b.HelperBytes, a.OfflineRounds + b.OfflineRounds, a.OfflineBytes + b.OfflineBytes);
}

/// <summary>
/// The cost model of the protocols (bytes and rounds per operation), for the compiler's cost
/// estimation and the docs. Z_67 values count one byte, bits one bit rounded up to whole 64-bit words per message.
/// </summary>
public static class ProtocolCosts
{
    /// <summary>Conv2D or MatMul per prediction: 1 round, E = X - A from each server; the helper deals C_1 offline.</summary>
    public static OperationCost Linear(int inputLength, int outputLength) => new(1, 8L * inputLength, 0, 1, 8L * outputLength);

    /// <summary>Per model load: each server sends its share of F = W - B (1 round).</summary>
    public static long PrepareBytesPerServer(int weightLength) => 8L * weightLength;

    /// <summary>Elementwise Beaver product.</summary>
    public static OperationCost Mul(long n) => new(1, 16 * n, 0, 1, 8 * n);

    public static OperationCost Truncate(long n, TruncationMethod method) =>
        method == TruncationMethod.Local ? default : new OperationCost(1, 8 * n, 0, 1, 16 * n);

    /// <summary>PrivateCompare alone: each server sends 64 Z_67 bytes per value.</summary>
    public static OperationCost PrivateCompare(long n) => new(1, 64 * n, 0, 0, 0);

    /// <summary>ShareConvert: a~, bits of x and delta (masked, packed), PrivateCompare, eta' (masked, packed).</summary>
    public static OperationCost ShareConvert(long n) =>
        new(4, (8 * n) + (64 * n), 2 * 8 * (n + (2 * Words(n))), 1, (64 * n) + (8 * n) + (8 * n));

    /// <summary>ComputeMSB: open r, PrivateCompare, beta' (masked, packed), one Beaver product.</summary>
    public static OperationCost ComputeMsb(long n) =>
        new(4, (8 * n) + (64 * n) + (16 * n), 2 * 8 * Words(n), 1, (64 * n) + (8 * n) + (8 * n) + (8 * n));

    /// <summary>
    /// The masked-MSB DReLU on one chunk: open x = a + r, PrivateCompare, the helper's masked bit;
    /// offline the Z_67 shares of the 64 bits of r mod 2^63 and the mask bit's Z_2^64 share.
    /// </summary>
    public static OperationCost MaskedMsb(long n) => new(3, (8 * n) + (64 * n), 2 * 8 * Words(n), 1, (64 * n) + (8 * n));

    /// <summary>SecureNN DReLU, in chunks of <see cref="SecureNN.ChunkElements"/> (each its own dealing and rounds).</summary>
    public static OperationCost DRelu(long n, DReluMethod method = DReluMethod.MaskedMsb) => Chunked(n, c => DReluChunk(c, method));

    /// <summary>SecureNN ReLU, in chunks of <see cref="SecureNN.ChunkElements"/>.</summary>
    public static OperationCost Relu(long n, DReluMethod method = DReluMethod.MaskedMsb) =>
        Chunked(n, c => method == DReluMethod.MaskedMsb ? MaskedRelu(c) : DReluChunk(c, method) + Mul(c));

    /// <summary>The fused masked ReLU on one chunk: the masked-MSB DReLU plus z = a + m to the helper and b z dealt to server1 online.</summary>
    public static OperationCost MaskedRelu(long n) => new(3, (8 * n) + (64 * n) + (8 * n), (2 * 8 * Words(n)) + (8 * n), 1, (64 * n) + (8 * n));

    /// <summary>SecureNN max pooling: a DReLU and a product over every pair of every tournament level.</summary>
    public static OperationCost MaxPool(in PoolGeometry g, DReluMethod method = DReluMethod.MaskedMsb)
    {
        var windows = PoolWindows.Get(g);
        var sizes = Enumerable.Range(0, g.OutputLength).Select(windows.Size).ToArray();
        var cost = default(OperationCost);
        while (true)
        {
            long pairs = 0;
            for (var o = 0; o < sizes.Length; o++)
            {
                pairs += sizes[o] / 2;
                sizes[o] = (sizes[o] + 1) / 2;
            }

            if (pairs == 0)
            {
                return cost;
            }

            cost = OperationCost.Sequence(cost, Relu(pairs, method));
        }
    }

    /// <summary>
    /// A Pond polynomial (ReLU or sigmoid) on fixed-point input with <paramref name="fracBits"/>, in
    /// chunks of <see cref="SecureNN.ChunkElements"/> as the comparisons.
    /// </summary>
    public static OperationCost Polynomial(long n, PondPolynomial polynomial, int fracBits, TruncationMethod method)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        var (fp, _) = Protocol.PolynomialScales(method);
        return Chunked(n, c =>
        {
            var cost = default(OperationCost);
            if (fracBits + polynomial.ScaleLog2 > fp)
            {
                cost += Truncate(c, method);
            }

            foreach (var powers in Protocol.PowerLevels(polynomial))
            {
                cost += Mul(powers * c) + Truncate(powers * c, method);
            }

            return cost + Truncate(c, method);
        });
    }

    private static long Words(long bits) => (bits + 63) / 64;

    private static OperationCost DReluChunk(long n, DReluMethod method) =>
        method == DReluMethod.MaskedMsb ? MaskedMsb(n) : ShareConvert(n) + ComputeMsb(n);

    private static OperationCost Chunked(long n, Func<long, OperationCost> chunk)
    {
        var cost = default(OperationCost);
        for (long start = 0; start < n; start += SecureNN.ChunkElements)
        {
            cost = OperationCost.Sequence(cost, chunk(Math.Min(SecureNN.ChunkElements, n - start)));
        }

        return cost;
    }
}
