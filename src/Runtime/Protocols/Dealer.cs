using System.Runtime.InteropServices;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Produces the correlated randomness of every protocol operation (see <see cref="Material"/>).
/// All three parties run the same method with the same sizes; each does its part:
/// whatever a server's share can be derived from the PRG it shares with the helper is derived
/// (no message), and the helper sends server1 only the corrections that cannot be derived.
/// Nothing here depends on the input, so it is the offline phase.
/// </summary>
/// <remarks>
/// Security: server0's share of any dealt value is a fresh PRG output that server1 does not know,
/// so server1's share (value minus server0's) is uniform to server1; server0 receives nothing.
/// Helper-chosen values (A, B, x, r) are sums of two PRG outputs, one per server, so neither server
/// learns them. The helper learns nothing it does not choose itself.
/// </remarks>
internal sealed class Dealer(PartyContext context)
{
    private readonly PartyContext _context = context;
    private readonly ArrayRecycler _recycler = context.Recycler;

    /// <summary>True once this dealing has sent (or, on a server, will have received) a message from the helper.</summary>
    public bool HelperSent { get; set; }

    private PartyId Role => _context.Role;

    /// <summary>Linear layer masks: A chosen by the helper (<see cref="Chosen{T, TRing}"/>), C = lin(A, B) for the handle's fixed B.</summary>
    public LinearMaterial Linear(LinearHandle handle)
    {
        var a = Chosen<ulong, RingZ2>(handle.InputLength);
        ulong[] c = [];
        if (Role == PartyId.Helper)
        {
            c = new ulong[handle.OutputLength];
            handle.Apply(a, handle.HelperB, c, accumulate: false);
            _recycler.Return(a);
            a = [];
        }

        var share = Deal<ulong, RingZ2>(handle.OutputLength, c);
        _recycler.Return(c);
        return new LinearMaterial(a, share);
    }

    /// <summary>Elementwise Beaver triple: A and B chosen by the helper, C = A * B dealt.</summary>
    public TripleMaterial Triple(int n)
    {
        var a = Chosen<ulong, RingZ2>(n);
        var b = Chosen<ulong, RingZ2>(n);
        if (Role == PartyId.Helper)
        {
            RingOps.Mul<ulong>(a, b, a);
            Deal<ulong, RingZ2>(n, a);
            _recycler.Return(a);
            _recycler.Return(b);
            return new TripleMaterial([], [], []);
        }

        return new TripleMaterial(a, b, Deal<ulong, RingZ2>(n, []));
    }

    /// <summary>Truncation masks: r chosen by the helper, shares of r &gt;&gt; d and msb(r) dealt in one message of 2n words.</summary>
    public TruncationMaterial Truncation(int n, int bits)
    {
        var r = Chosen<ulong, RingZ2>(n);
        ulong[] derived = [];
        if (Role == PartyId.Helper)
        {
            derived = Rent<ulong>(2 * n);
            for (var i = 0; i < n; i++)
            {
                derived[i] = r[i] >> bits;
                derived[n + i] = r[i] >> 63;
            }

            Deal<ulong, RingZ2>(2 * n, derived);
            _recycler.Return(derived);
            _recycler.Return(r);
            return new TruncationMaterial([], [], []);
        }

        var both = Deal<ulong, RingZ2>(2 * n, []);
        var shifted = Rent<ulong>(n);
        var msb = Rent<ulong>(n);
        both.AsSpan(0, n).CopyTo(shifted);
        both.AsSpan(n, n).CopyTo(msb);
        _recycler.Return(both);
        return new TruncationMaterial(r, shifted, msb);
    }

    /// <summary>n mask bits known to the helper only (private PRG), shared to the servers over <paramref name="ring"/>.</summary>
    public BitMasks Masks(int n, ShareRing ring)
    {
        ulong[] packed = [];
        if (Role == PartyId.Helper)
        {
            packed = Rent<ulong>(BitPacking.PackedLength(n));
            Sampling.FillPackedBits(_context.Own, n, packed);
        }

        return ring switch
        {
            ShareRing.Prime => new BitMasks([], DealPackedBitsZ67(n, packed), packed),
            ShareRing.Odd => new BitMasks(DealBits<ulong, RingOdd>(n, packed), [], packed),
            _ => new BitMasks(DealBits<ulong, RingZ2>(n, packed), [], packed),
        };
    }

    /// <summary>
    /// PrivateCompare's common randomness, from the server0-server1 PRG (the helper gets empty arrays):
    /// the multipliers as exponents of the generator (<see cref="Z67Kernels"/>), the additive masks and the rotations.
    /// </summary>
    public CompareRandomness Compare(int n)
    {
        if (Role == PartyId.Helper)
        {
            return new CompareRandomness([], [], []);
        }

        var prg = _context.PairPrg(_context.OtherServer);
        var s = Rent<byte>(64 * n);
        var u = Rent<byte>(64 * n);
        var rotations = Rent<byte>(n);
        Sampling.FillZpExponents(prg, s);
        Sampling.FillZp(prg, u);
        prg.Fill(rotations);
        for (var i = 0; i < n; i++)
        {
            rotations[i] &= 63;
        }

        return new CompareRandomness(s, u, rotations);
    }

    /// <summary>ShareConvert's randomness (see <see cref="ShareConvertMaterial"/>).</summary>
    public ShareConvertMaterial ShareConvert(int n)
    {
        ulong[] r = [], rShare = [];
        byte[] alpha = [], eta = [];
        if (Role != PartyId.Helper)
        {
            var prg = _context.PairPrg(_context.OtherServer);
            var r0 = Rent<ulong>(n);
            r = Rent<ulong>(n);
            prg.Fill<ulong>(r0);
            // r = 0 would make PrivateCompare's threshold r - 1 wrap; excluding it costs 2^-64 statistical distance.
            Sampling.FillNonZero(prg, r);
            alpha = Rent<byte>(n);
            rShare = Role == PartyId.Server0 ? r0 : Rent<ulong>(n);
            for (var i = 0; i < n; i++)
            {
                var r1 = r[i] - r0[i];
                alpha[i] = r[i] < r0[i] ? (byte)1 : (byte)0;
                if (Role == PartyId.Server1)
                {
                    rShare[i] = r1;
                }
            }

            if (Role == PartyId.Server1)
            {
                _recycler.Return(r0);
            }

            eta = Rent<byte>(n);
            Sampling.FillBits(prg, eta);
        }

        var compare = Compare(n);
        var xBits = Masks(64 * n, ShareRing.Prime);
        var delta = Masks(n, ShareRing.Odd);
        var etaPrime = Masks(n, ShareRing.Odd);
        return new ShareConvertMaterial(r, rShare, alpha, eta, compare, xBits, delta, etaPrime);
    }

    /// <summary>ComputeMSB's randomness (see <see cref="MsbMaterial"/>).</summary>
    public MsbMaterial Msb(int n)
    {
        var x = Chosen<ulong, RingOdd>(n);
        byte[] beta = [];
        ulong[] lsb = [];
        if (Role == PartyId.Helper)
        {
            lsb = Rent<ulong>(n);
            for (var i = 0; i < n; i++)
            {
                lsb[i] = x[i] & 1;
            }
        }

        // x itself is the packed form of its 64 bits (bit k of value i is packed bit 64 i + k).
        var xBits = DealPackedBitsZ67(64 * n, Role == PartyId.Helper ? x : []);
        if (Role == PartyId.Helper)
        {
            _recycler.Return(x);
            x = [];
        }

        var xLsb = Deal<ulong, RingZ2>(n, lsb);
        if (Role != PartyId.Helper)
        {
            beta = Rent<byte>(n);
            Sampling.FillBits(_context.PairPrg(_context.OtherServer), beta);
        }

        var compare = Compare(n);
        var betaPrime = Masks(n, ShareRing.Ring);
        var triple = Triple(n);
        return new MsbMaterial(x, xBits, xLsb, beta, compare, betaPrime, triple);
    }

    /// <summary>
    /// The masked-MSB DReLU's randomness (see <see cref="MaskedMsbMaterial"/>): r chosen by the helper,
    /// Z_67 shares of the bits of r mod 2^63 dealt (64n bytes to server1), the servers' common beta and
    /// PrivateCompare randomness, and Z_2^64 shares of the helper's output mask bits (8n bytes).
    /// </summary>
    public MaskedMsbMaterial MaskedMsb(int n)
    {
        var r = Chosen<ulong, RingZ2>(n);
        ulong[] low = [], msbR = [];
        if (Role == PartyId.Helper)
        {
            low = Rent<ulong>(n);
            msbR = Rent<ulong>(BitPacking.PackedLength(n));
            msbR.AsSpan().Clear();
            for (var i = 0; i < n; i++)
            {
                low[i] = r[i] & ((1UL << 63) - 1);
                msbR[i >> 6] |= (r[i] >> 63) << (i & 63);
            }

            _recycler.Return(r);
            r = [];
        }

        // r mod 2^63 is the packed form of its 64 bits (the top one zero).
        var rBits = DealPackedBitsZ67(64 * n, low);
        _recycler.Return(low);
        byte[] beta = [];
        if (Role != PartyId.Helper)
        {
            beta = Rent<byte>(n);
            Sampling.FillBits(_context.PairPrg(_context.OtherServer), beta);
        }

        var compare = Compare(n);
        var output = Masks(n, ShareRing.Ring);
        return new MaskedMsbMaterial(r, rBits, beta, compare, output, msbR);
    }

    /// <summary>
    /// The fused masked ReLU's randomness (<see cref="MaskedReluMaterial"/>): the DReLU's, the servers'
    /// common masks from their stream, and w_0, drawn by server0 and the helper from theirs. Nothing
    /// more is sent offline.
    /// </summary>
    public MaskedReluMaterial MaskedRelu(int n)
    {
        var msb = MaskedMsb(n);
        ulong[] maskA = [], maskB = [], w0 = [];
        if (Role != PartyId.Helper)
        {
            var prg = _context.PairPrg(_context.OtherServer);
            maskA = Rent<ulong>(n);
            maskB = Rent<ulong>(n);
            prg.Fill<ulong>(maskA);
            prg.Fill<ulong>(maskB);
        }

        if (Role != PartyId.Server1)
        {
            w0 = Rent<ulong>(n);
            _context.PairPrg(Role == PartyId.Helper ? PartyId.Server0 : PartyId.Helper).Fill<ulong>(w0);
        }

        return new MaskedReluMaterial(msb, maskA, maskB, w0);
    }

    /// <summary>
    /// n uniform values the helper chooses without sending anything: on the helper the values, the
    /// sum of one draw from each server's stream; on server j its share, its own draw.
    /// </summary>
    public T[] Chosen<T, TRing>(int n)
        where T : unmanaged
        where TRing : IDealtRing<T>
    {
        var values = Rent<T>(n);
        if (Role == PartyId.Helper)
        {
            var other = Rent<T>(n);
            TRing.Fill(_context.PairPrg(PartyId.Server0), values);
            TRing.Fill(_context.PairPrg(PartyId.Server1), other);
            for (var i = 0; i < n; i++)
            {
                values[i] = TRing.Add(values[i], other[i]);
            }

            _recycler.Return(other);
        }
        else
        {
            TRing.Fill(_context.PairPrg(PartyId.Helper), values);
        }

        return values;
    }

    /// <summary>
    /// Shares of n values the helper knows (<paramref name="values"/> on the helper, empty on the
    /// servers): server0's share is its next draw from the server0-helper stream, server1's the value
    /// minus that, sent by the helper (one message). Returns this server's share (empty on the helper).
    /// </summary>
    private T[] Deal<T, TRing>(int n, ReadOnlySpan<T> values)
        where T : unmanaged
        where TRing : IDealtRing<T>
    {
        HelperSent = true;
        switch (Role)
        {
            case PartyId.Helper:
                var correction = Rent<T>(n);
                TRing.Fill(_context.PairPrg(PartyId.Server0), correction);
                for (var i = 0; i < n; i++)
                {
                    correction[i] = TRing.Sub(values[i], correction[i]);
                }

                _context.Peer(PartyId.Server1).Send(MemoryMarshal.AsBytes(correction.AsSpan()));
                _recycler.Return(correction);
                return [];
            case PartyId.Server0:
                var share0 = Rent<T>(n);
                TRing.Fill(_context.PairPrg(PartyId.Helper), share0);
                return share0;
            default:
                var share1 = Rent<T>(n);
                _context.Peer(PartyId.Helper).Receive(MemoryMarshal.AsBytes(share1.AsSpan()));
                return share1;
        }
    }

    /// <summary>
    /// Z_67 shares of the helper's packed bits (empty on the servers), as <see cref="Deal{T, TRing}"/>
    /// does it: server0's share drawn from the server0-helper stream, server1's the bit minus that,
    /// sent by the helper (one message of n bytes).
    /// </summary>
    private byte[] DealPackedBitsZ67(int n, ulong[] packed)
    {
        if (Role != PartyId.Helper)
        {
            return Deal<byte, RingZ67>(n, []);
        }

        HelperSent = true;
        var correction = Rent<byte>(n);
        Sampling.FillZp(_context.PairPrg(PartyId.Server0), correction);
        Z67Kernels.BitsMinusDraws(packed, correction);
        _context.Peer(PartyId.Server1).Send(correction);
        _recycler.Return(correction);
        return [];
    }

    /// <summary>An array for material: recycled from an earlier chunk when one of that length was returned (never read before it is written).</summary>
    private T[] Rent<T>(int n)
        where T : unmanaged => _recycler.Rent<T>(n);

    /// <summary>Deals the helper's packed bits (empty on the servers) as values of <typeparamref name="TRing"/>.</summary>
    private T[] DealBits<T, TRing>(int n, ulong[] packed)
        where T : unmanaged
        where TRing : IDealtRing<T>
    {
        var values = Role == PartyId.Helper ? Rent<T>(n) : [];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TRing.FromBit((packed[i >> 6] >> (i & 63)) & 1);
        }

        var shares = Deal<T, TRing>(n, values);
        _recycler.Return(values);
        return shares;
    }
}
