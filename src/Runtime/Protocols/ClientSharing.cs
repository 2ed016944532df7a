using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The roles outside the three computing parties: the input provider and the model owner share
/// values to the servers, the output receiver reconstructs. Channels are links from the client to
/// each server (<c>PeerName</c> "server0" / "server1").
/// </summary>
public static class ClientSharing
{
    /// <summary>
    /// Shares ring values to the two servers: a fresh seed (from the OS CSPRNG) to server0, whose
    /// share is PRG(seed), and values - PRG(seed) to server1 (8 bytes per value). Each server alone
    /// sees a uniform (pseudo-random) value. Servers receive with <see cref="Protocol.ReceiveInput"/>
    /// or <see cref="Protocol.ReceiveWeights"/>.
    /// </summary>
    public static void Share(ReadOnlySpan<ulong> values, IChannel toServer0, IChannel toServer1)
    {
        ArgumentNullException.ThrowIfNull(toServer0);
        ArgumentNullException.ThrowIfNull(toServer1);
        var seed = AesPrg.NewSeed();
        var share1 = new ulong[values.Length];
        new AesPrg(seed).Fill<ulong>(share1);
        for (var i = 0; i < values.Length; i++)
        {
            share1[i] = values[i] - share1[i];
        }

        toServer0.Send(seed);
        Array.Clear(seed);
        toServer1.Send<ulong>(share1);
    }

    /// <summary>Receives both servers' shares (see <see cref="Protocol.RevealTo"/>) and adds them into <paramref name="result"/>.</summary>
    public static void Reconstruct(IChannel fromServer0, IChannel fromServer1, Span<ulong> result)
    {
        ArgumentNullException.ThrowIfNull(fromServer0);
        ArgumentNullException.ThrowIfNull(fromServer1);
        var other = new ulong[result.Length];
        fromServer0.Receive(result);
        fromServer1.Receive<ulong>(other);
        for (var i = 0; i < result.Length; i++)
        {
            result[i] += other[i];
        }
    }

    /// <summary>
    /// In-process additive sharing (tests, a model owner writing share files): share0 uniform from a
    /// PRG seeded by the OS CSPRNG, share1 = values - share0.
    /// </summary>
    public static void Split(ReadOnlySpan<ulong> values, Span<ulong> share0, Span<ulong> share1)
    {
        if (share0.Length != values.Length || share1.Length != values.Length)
        {
            throw new ArgumentException($"splitting {values.Length} values into shares of {share0.Length} and {share1.Length}");
        }

        AesPrg.FromOsEntropy().Fill(share0);
        for (var i = 0; i < values.Length; i++)
        {
            share1[i] = values[i] - share0[i];
        }
    }
}
