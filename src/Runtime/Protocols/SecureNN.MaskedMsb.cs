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
    private void DReluMaskedMsb(int n, ReadOnlySpan<ulong> a, Span<ulong> y, MaskedMsbMaterial m)
    {
        const ulong Low63 = (1UL << 63) - 1;
        var isHelper = Role == PartyId.Helper;

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

        // Round 2: PrivateCompare(r', x', beta): the helper learns beta' = beta xor [r' > x'].
        var result = Scratch<ulong>(BitPacking.PackedLength(n), isHelper);
        PrivateCompareCore(n, m.RBits, [], low, m.Beta, m.Compare, result);

        // Round 3: the masked bits beta' xor msb(r) to both servers.
        Stats.Round();
        if (isHelper)
        {
            RingOps.Xor(result, m.MsbR, result);
        }

        var opened = Scratch<ulong>(BitPacking.PackedLength(n), !isHelper);
        SendMaskedPackedBits(result, m.Output, opened);
        if (!isHelper)
        {
            OpenedBitsToRing(opened, m.Output.RingShares, y);
            var j = Role == PartyId.Server1 ? 1UL : 0UL;
            for (var i = 0; i < n; i++)
            {
                // 1 - (e xor b) with e = msb(x) xor beta public: b where e = 1, else 1 - b (branchless: e is uniform).
                var flip = 1 - ((x[i] >> 63) ^ m.Beta[i]);
                var s = y[i];
                y[i] = s + (flip * (j - (2 * s)));
            }
        }

        Release(x, low, result, opened);
    }

    /// <summary>DReLU's material for <see cref="Comparison"/>.</summary>
    private Material DealDRelu(Dealer d, int n) => Comparison == DReluMethod.MaskedMsb
        ? d.MaskedMsb(n)
        : new CompositeMaterial("drelu", [d.ShareConvert(n), d.Msb(n)]);
}
