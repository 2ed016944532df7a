using Mpc.Runtime.Crypto;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>
    /// Receives this server's share of <paramref name="count"/> input values from the input provider
    /// (see <see cref="ClientSharing.Share"/>): server0 receives a 16-byte seed and expands it,
    /// server1 receives 8 * count bytes. The helper and an offline instance do nothing (pass null).
    /// </summary>
    public void ReceiveInput(IChannel? provider, int count, Span<ulong> share)
    {
        Check(count, share, nameof(share));
        if (!HoldsShares)
        {
            return;
        }

        using var op = Stats.Enter(Phase.Online, operation: "input");
        ReceiveShare(provider, share);
    }

    /// <summary>
    /// As <see cref="ReceiveInput"/>, from the model owner, once per model load
    /// (<see cref="Phase.ModelLoad"/>); the helper does nothing. Allowed in every mode except offline.
    /// </summary>
    public void ReceiveWeights(IChannel? owner, int count, Span<ulong> share)
    {
        if (!Role.IsServer())
        {
            if (share.Length != 0)
            {
                throw new ArgumentException($"{Name} on helper: the helper holds no weight shares", nameof(share));
            }

            return;
        }

        if (share.Length != count)
        {
            throw new ArgumentException($"{Name} on {Role.ToName()}: the weight share has {share.Length} elements, expected {count}", nameof(share));
        }

        using var op = Stats.Enter(Phase.ModelLoad, operation: "weights");
        ReceiveShare(owner, share);
    }

    /// <summary>
    /// Sends this server's share of <paramref name="count"/> output values to the output receiver,
    /// who alone adds the two (<see cref="ClientSharing.Reconstruct"/>). The shares are first
    /// re-randomised with a zero sharing from the server0-server1 PRG (server0 adds u, server1
    /// subtracts it), so the pair the receiver sees is uniform given the output whatever operation
    /// produced it. No rounds among the parties; each server sends 8 * count bytes to the receiver.
    /// The helper and an offline instance do nothing (pass null).
    /// </summary>
    public void RevealTo(IChannel? receiver, int count, ReadOnlySpan<ulong> x)
    {
        Check(count, x, nameof(x));
        if (!HoldsShares)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(receiver);
        using var op = Stats.Enter(Phase.Online, operation: "reveal");
        var masked = new ulong[count];
        Context.PairPrg(Context.OtherServer).Fill<ulong>(masked);
        for (var i = 0; i < count; i++)
        {
            masked[i] = Role == PartyId.Server0 ? x[i] + masked[i] : x[i] - masked[i];
        }

        using var traffic = Stats.Measure(receiver);
        receiver.Send<ulong>(masked);
    }

    private void ReceiveShare(IChannel? from, Span<ulong> share)
    {
        if (!HoldsShares)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(from);
        using var traffic = Stats.Measure(from);
        if (Role == PartyId.Server0)
        {
            Span<byte> seed = stackalloc byte[AesPrg.SeedLength];
            from.Receive(seed);
            new AesPrg(seed).Fill(share);
            seed.Clear();
        }
        else
        {
            from.Receive(share);
        }
    }
}
