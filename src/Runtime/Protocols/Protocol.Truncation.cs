using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>The largest magnitude bound (exclusive, as a power of two) helper truncation accepts: |x| &lt; 2^62.</summary>
    public const int HelperTruncationMagnitudeBits = 62;

    /// <summary>
    /// y = x / 2^bits (rounding down, off by at most 1 ulp), for fixed-point rescaling after a
    /// product; y may be the same span as x. <paramref name="bits"/> is in [0, 62].
    /// </summary>
    /// <remarks>
    /// <para><see cref="TruncationMethod.Local"/> (SecureML, SecureNN): server0 shifts its share
    /// arithmetically, server1 computes -((-x_1) &gt;&gt; d). No rounds, no bytes, nothing revealed.
    /// Correct up to 1 ulp unless the shares straddle the wrap, which for |x| &lt; 2^l_x happens with
    /// probability at most 2^(l_x + 1 - 64) per element (<see cref="LocalTruncationFailureProbability"/>);
    /// a failure is a huge error.</para>
    /// <para><see cref="TruncationMethod.Helper"/>: the helper deals shares of a uniform r, of
    /// r &gt;&gt; d and of msb(r) (offline: 16n bytes to server1, 1 round). Online, the servers open
    /// z = x + 2^62 + r (1 round, each server sends 8n bytes; the helper nothing). With
    /// x' = x + 2^62 in [0, 2^63) the wrap of x' + r is exactly msb(r) (1 - msb(z)), so
    /// x' &gt;&gt; d = (z &gt;&gt; d) - (r &gt;&gt; d) + msb(r) (1 - msb(z)) 2^(64-d) up to the borrow of the low bits
    /// (+1 ulp at most), and y = that - 2^(62-d). Never fails while |x| &lt; 2^62. Security: r is
    /// uniform and unknown to either server alone, so z is a one-time pad of x.</para>
    /// </remarks>
    public void Truncate(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int bits, TruncationMethod method)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        if ((uint)bits > HelperTruncationMagnitudeBits)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"{Name}: truncation by {bits} bits (expected 0 to {HelperTruncationMagnitudeBits})");
        }

        if (bits == 0)
        {
            x.CopyTo(y);
            return;
        }

        using var op = Stats.Enter(operation: "truncate");
        if (method == TruncationMethod.Local)
        {
            TruncateLocal(x, y, bits);
            return;
        }

        if (TryAcquire("truncate", d => d.Truncation(count, bits), out var m))
        {
            TruncateWithHelper(count, x, y, bits, m);
            m.ReturnTo(Context.Recycler);
        }
    }

    /// <summary>
    /// The probability that local truncation fails for at least one of <paramref name="elements"/>
    /// values with |x| &lt; 2^<paramref name="magnitudeBits"/>: 1 - (1 - 2^(l_x + 1 - 64))^n, the
    /// per-element bound of SecureML's Theorem 1 (the share x_0 is uniform and the result is wrong
    /// only when x_0 falls within 2^(l_x) of the wrap on either side).
    /// </summary>
    public static double LocalTruncationFailureProbability(int magnitudeBits, long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(magnitudeBits);
        ArgumentOutOfRangeException.ThrowIfNegative(elements);
        if (magnitudeBits >= 63)
        {
            return elements == 0 ? 0 : 1;
        }

        var perElement = Math.ScaleB(1.0, magnitudeBits + 1 - 64);
        // 1 - (1 - p)^n without cancellation for tiny p.
        return -double.ExpM1(elements * double.LogP1(-perElement));
    }

    private void TruncateLocal(ReadOnlySpan<ulong> x, Span<ulong> y, int bits)
    {
        if (!HoldsShares)
        {
            return;
        }

        var server0 = Role == PartyId.Server0;
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = server0 ? (ulong)((long)x[i] >> bits) : 0UL - (ulong)((long)(0UL - x[i]) >> bits);
        }
    }

    private void TruncateWithHelper(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int bits, TruncationMaterial m)
    {
        Stats.Round();
        if (!HoldsShares)
        {
            return;
        }

        const ulong Offset = 1UL << HelperTruncationMagnitudeBits;
        var server0 = Role == PartyId.Server0;
        var z = Scratch<ulong>(count);
        var other = Scratch<ulong>(count);
        for (var i = 0; i < count; i++)
        {
            z[i] = x[i] + m.R[i] + (server0 ? Offset : 0);
        }

        ExchangeWithServer(z, other);
        var high = 64 - bits;
        var offsetShifted = Offset >> bits;
        for (var i = 0; i < count; i++)
        {
            var opened = z[i] + other[i];
            var v = 0UL - m.Shifted[i];
            if ((opened >> 63) == 0)
            {
                v += m.Msb[i] << high;
            }

            y[i] = server0 ? v + (opened >> bits) - offsetShifted : v;
        }

        Release(z, other);
    }
}
