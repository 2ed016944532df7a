using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>How <see cref="SecureNN"/> computes DReLU (and so ReLU and MaxPool). All three parties must use the same.</summary>
public enum DReluMethod
{
    /// <summary>
    /// The default: the servers open a masked x = a + r and one PrivateCompare tells whether the low
    /// 63 bits of the subtraction x - r borrow (<see cref="SecureNN"/>'s masked-MSB DReLU): 3 rounds,
    /// exact on all of Z_2^64, about half the bytes and Z_67 work of the paper's method.
    /// </summary>
    MaskedMsb = 0,

    /// <summary>The SecureNN paper's DReLU: ShareConvert to the odd ring, then ComputeMSB (8 rounds, two PrivateCompares).</summary>
    ShareConvert = 1,
}

public sealed partial class SecureNN
{
    /// <summary>The DReLU algorithm (default <see cref="DReluMethod.MaskedMsb"/>); the same on all three parties.</summary>
    public DReluMethod Comparison { get; init; } = DReluMethod.MaskedMsb;

    /// <summary>
    /// DReLU by one masked comparison: shares of 1 - msb(a) for any a in Z_2^64.
    /// </summary>
    /// <remarks>
    /// <para>The helper chooses a uniform r (r_j from its stream with server j: never sent) and deals
    /// Z_67 shares of the bits of r' = r mod 2^63 and mask bits c. Writing x = a + r,
    /// a = x - r, and the top bit of a difference is the top bits' xor, flipped when the low 63
    /// bits borrow: msb(a) = msb(x) xor msb(r) xor [r' &gt; x'] with x' = x mod 2^63.</para>
    /// <para>1. The servers open x = a + r to each other. [8 bytes each]
    /// 2. PrivateCompare(r', x', beta) with the servers' common bit beta: the helper learns
    /// beta' = beta xor [r' &gt; x']. [64 bytes each server]
    /// 3. The helper, who knows msb(r), sends both servers the packed bits beta' xor msb(r) xor c
    /// (<see cref="SendMaskedPackedBits"/>). [1 bit to each server]
    /// The servers now hold shares of b = beta' xor msb(r), and msb(a) = msb(x) xor beta xor b with
    /// msb(x) and beta public to them, so DReLU = 1 - msb(a) is linear in their shares of b.</para>
    /// <para>Rounds: 3. Online bytes per element: each server 8 + 64; the helper 1 bit to each server.
    /// Offline: 72 bytes to server1 (Z_67 shares of 64 bits, the Z_2^64 share of the mask bit).</para>
    /// <para>Security: the helper receives only the PrivateCompare messages, whose distribution
    /// depends on its output bit beta' alone (<see cref="PrivateCompare"/>), and beta' is uniform
    /// because beta is uniform and unknown to it; x never reaches it. Each server sees x, a one-time
    /// pad of a since r is uniform and its other share comes from a stream it does not hold; and the
    /// helper's bit one-time-padded by c. No party learns msb(a) or any bit of a.</para>
    /// </remarks>
    private void DReluMaskedMsb(int n, ReadOnlySpan<ulong> a, Span<ulong> y, MaskedMsbMaterial m) => MaskedMsbCore(n, a, y, m, null);

    /// <summary>
    /// ReLU with the masked-MSB DReLU and the selection folded into its rounds: y = a DReLU(a).
    /// </summary>
    /// <remarks>
    /// <para>In round 2, beside the PrivateCompare messages, server j sends the helper
    /// z_j = a_j + m_j, m_0 and m_1 uniform from the servers' common stream (m = m_0 + m_1 known to
    /// both). In round 3 the helper, who knows b = beta' xor msb(r), also deals shares of b z:
    /// server0's is w_0 from its stream with the helper, server1 receives b z - w_0. The servers'
    /// shares of b a = b z - m b are linear (m public to them), and with e = msb(x) xor beta public,
    /// ReLU(a) = a DReLU(a) is b a where e = 1 and a - b a where e = 0.</para>
    /// <para>Rounds: 3. Online bytes per element: each server 8 + 64 + 8; the helper 1 bit to each
    /// server and 8 bytes to server1. Offline: 72 bytes to server1 (as DReLU; no Beaver triple).</para>
    /// <para>Security, beyond DReLU's: each z_j is a one-time pad of a_j (m_j uniform, unknown to the
    /// helper), so the helper's view gains two uniform values; server1's b z - w_0 is padded by w_0,
    /// which it does not hold; server0 receives nothing more.</para>
    /// </remarks>
    private void ReluMaskedMsb(int n, ReadOnlySpan<ulong> a, Span<ulong> y, MaskedReluMaterial m) => MaskedMsbCore(n, a, y, m.Msb, m);

    private void MaskedMsbCore(int n, ReadOnlySpan<ulong> a, Span<ulong> y, MaskedMsbMaterial m, MaskedReluMaterial? relu) =>
        MaskedMsbFinish(MaskedMsbBegin(n, a, m, relu), a, y);

    /// <summary>One chunk between the two halves of <see cref="MaskedMsbCore"/>.</summary>
    private sealed class MaskedMsbChunk(int n, MaskedMsbMaterial m, MaskedReluMaterial? relu, ulong[] x, ulong[] low, ulong[] z)
    {
        public int N { get; } = n;

        public MaskedMsbMaterial M { get; } = m;

        public MaskedReluMaterial? Relu { get; } = relu;

        public ulong[] X { get; } = x;

        public ulong[] Low { get; } = low;

        public ulong[] Z { get; } = z;
    }

    /// <summary>
    /// The first half of a chunk, everything the servers send before they wait for the helper:
    /// round 1 (the servers open x = a + r) and the servers' part of round 2 (PrivateCompare's
    /// messages and, for ReLU, z_j to the helper). The helper does nothing here. Splitting the chunk
    /// lets <see cref="PipelinedMaskedRelu"/> send chunk k+1's messages before chunk k's answer is
    /// awaited; every party runs the halves in the same order, so every link carries the same frames
    /// in the same order as without the split.
    /// </summary>
    private MaskedMsbChunk MaskedMsbBegin(int n, ReadOnlySpan<ulong> a, MaskedMsbMaterial m, MaskedReluMaterial? relu)
    {
        const ulong Low63 = (1UL << 63) - 1;
        var isHelper = Role == PartyId.Helper;
        var server1 = Role == PartyId.Server1;

        // Round 1: the servers open x = a + r.
        Stats.Round();
        var x = Scratch<ulong>(n, !isHelper);
        var low = Scratch<ulong>(n, !isHelper);
        if (!isHelper)
        {
            for (var i = 0; i < n; i++)
            {
                low[i] = a[i] + m.RShare[i];
            }

            ExchangeWithServer(low, x);
            for (var i = 0; i < n; i++)
            {
                x[i] += low[i];
                low[i] = x[i] & Low63;
            }
        }

        // Round 2, the servers' part: PrivateCompare(r', x', beta) (the helper learns
        // beta' = beta xor [r' > x']); for ReLU the servers also send the helper z_j = a_j + m_j.
        var z = relu is null ? [] : Scratch<ulong>(n);
        if (!isHelper)
        {
            PrivateCompareCore(n, m.RBits, [], low, m.Beta, m.Compare, []);
            if (relu is not null)
            {
                var mask = server1 ? relu.MaskB : relu.MaskA;
                for (var i = 0; i < n; i++)
                {
                    z[i] = a[i] + mask[i];
                }

                Context.Peer(PartyId.Helper).Send(z);
            }
        }

        return new MaskedMsbChunk(n, m, relu, x, low, z);
    }

    /// <summary>The second half of a chunk: the helper's part of round 2, round 3 and the servers' output shares.</summary>
    private void MaskedMsbFinish(MaskedMsbChunk c, ReadOnlySpan<ulong> a, Span<ulong> y)
    {
        var (n, m, relu, x, low, z) = (c.N, c.M, c.Relu, c.X, c.Low, c.Z);
        var isHelper = Role == PartyId.Helper;
        var server1 = Role == PartyId.Server1;

        // Round 2, the helper's part.
        var result = Scratch<ulong>(BitPacking.PackedLength(n), isHelper);
        if (isHelper)
        {
            PrivateCompareCore(n, m.RBits, [], low, m.Beta, m.Compare, result);
            if (relu is not null)
            {
                var z1 = Scratch<ulong>(n);
                Context.Peer(PartyId.Server0).Receive(z);
                Context.Peer(PartyId.Server1).Receive(z1);
                RingOps.Add<ulong>(z, z1, z);
                Release(z1);
            }
        }

        // Round 3: the masked bits beta' xor msb(r) to both servers (and, for ReLU, b z dealt to server1).
        Stats.Round();
        if (isHelper)
        {
            RingOps.Xor(result, m.MsbR, result);
            if (relu is not null)
            {
                // b z - w_0 for server1: z becomes the correction.
                for (var i = 0; i < n; i++)
                {
                    var b = (result[i >> 6] >> (i & 63)) & 1;
                    z[i] = (b * z[i]) - relu.W0[i];
                }
            }
        }

        var opened = Scratch<ulong>(BitPacking.PackedLength(n), !isHelper);
        SendMaskedPackedBits(result, m.Output, opened);
        if (relu is not null)
        {
            if (isHelper)
            {
                Context.Peer(PartyId.Server1).Send(z);
            }
            else if (server1)
            {
                Context.Peer(PartyId.Helper).Receive(z);
            }
            else
            {
                relu.W0.AsSpan(0, n).CopyTo(z);
            }
        }

        // The servers' shares of b (a scratch array: y may be the very span a is read from).
        var bShares = Scratch<ulong>(n, !isHelper);
        if (!isHelper)
        {
            OpenedBitsToRing(opened, m.Output.RingShares, bShares);
            var j = server1 ? 1UL : 0UL;
            for (var i = 0; i < n; i++)
            {
                var e = (x[i] >> 63) ^ m.Beta[i];
                var s = bShares[i];
                if (relu is null)
                {
                    // DReLU = 1 - (e xor b): b where e = 1, else 1 - b (branchless: e is uniform).
                    y[i] = s + ((1 - e) * (j - (2 * s)));
                }
                else
                {
                    // b a = b z - m b; ReLU = b a where e = 1, else a - b a.
                    var ba = z[i] - ((relu.MaskA[i] + relu.MaskB[i]) * s);
                    y[i] = ba + ((1 - e) * (a[i] - (2 * ba)));
                }
            }
        }

        Release(x, low, result, opened, z, bShares);
    }

    /// <summary>
    /// ReLU over a layer with the masked-MSB method, two chunks in flight: chunk k+1's first half
    /// (<see cref="MaskedMsbBegin"/>) runs before chunk k's second half, so the servers compute and
    /// send while the helper answers instead of waiting for it. Same rounds, bytes and material
    /// order as one chunk after the other (the offline instance deals chunk by chunk in the same order).
    /// </summary>
    private void PipelinedMaskedRelu(int count, ReadOnlySpan<ulong> x, Span<ulong> y)
    {
        MaskedMsbChunk? pending = null;
        var pendingStart = 0;
        for (var start = 0; start < count || pending is not null; start += ChunkElements)
        {
            MaskedMsbChunk? next = null;
            if (start < count)
            {
                var n = Math.Min(ChunkElements, count - start);
                if (TryAcquire("relu", d => DealRelu(d, n, "relu"), out var m))
                {
                    var masked = (MaskedReluMaterial)m;
                    next = MaskedMsbBegin(n, Chunk(x, start, n), masked.Msb, masked);
                }
            }

            if (pending is not null)
            {
                MaskedMsbFinish(pending, Chunk(x, pendingStart, pending.N), Chunk(y, pendingStart, pending.N));
                pending.Relu!.ReturnTo(Context.Recycler);
            }

            (pending, pendingStart) = (next, start);
        }
    }

    /// <summary>ReLU's material for <see cref="Comparison"/>: the fused masked ReLU, or the paper's DReLU and a Beaver triple.</summary>
    private Material DealRelu(Dealer d, int n, string operation) => Comparison == DReluMethod.MaskedMsb
        ? d.MaskedRelu(n)
        : new CompositeMaterial(operation, [DealDRelu(d, n), d.Triple(n)]);

    /// <summary>ReLU on a chunk with material from <see cref="DealRelu"/>; y may be x.</summary>
    private void ReluCore(int n, ReadOnlySpan<ulong> x, Span<ulong> y, Material m)
    {
        if (m is MaskedReluMaterial masked)
        {
            ReluMaskedMsb(n, x, y, masked);
            return;
        }

        var parts = (CompositeMaterial)m;
        var positive = Scratch<ulong>(n, HoldsShares);
        DReluCore(n, x, positive, parts.Next<Material>());
        using (Stats.Enter(operation: "select share"))
        {
            MulCore(n, x, positive, y, parts.Next<TripleMaterial>());
        }

        Release(positive);
    }

    /// <summary>DReLU's material for <see cref="Comparison"/>.</summary>
    private Material DealDRelu(Dealer d, int n) => Comparison == DReluMethod.MaskedMsb
        ? d.MaskedMsb(n)
        : new CompositeMaterial("drelu", [d.ShareConvert(n), d.Msb(n)]);
}
