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

    /// <summary>True once this dealing has sent (or, on a server, will have received) a message from the helper.</summary>
    public bool HelperSent { get; set; }

    private PartyId Role => _context.Role;

    /// <summary>Linear layer masks: A uniform (one PRG share per server), C = lin(A, B) for the handle's fixed B.</summary>
    public LinearMaterial Linear(LinearHandle handle)
    {
        if (Role == PartyId.Helper)
        {
            var a = new ulong[handle.InputLength];
            var a1 = new ulong[handle.InputLength];
            _context.PairPrg(PartyId.Server0).Fill<ulong>(a);
            _context.PairPrg(PartyId.Server1).Fill<ulong>(a1);
            RingOps.Add<ulong>(a, a1, a);
            var c = new ulong[handle.OutputLength];
            handle.Apply(a, handle.HelperB, c, accumulate: false);
            DealRing(handle.OutputLength, c, []);
            return new LinearMaterial([], []);
        }

        var share = new ulong[handle.InputLength];
        _context.PairPrg(PartyId.Helper).Fill<ulong>(share);
        var cShare = new ulong[handle.OutputLength];
        DealRing(handle.OutputLength, [], cShare);
        return new LinearMaterial(share, cShare);
    }

    /// <summary>Elementwise Beaver triple: A, B uniform (one PRG share each per server), C = A * B.</summary>
    public TripleMaterial Triple(int n)
    {
        if (Role == PartyId.Helper)
        {
            var a = new ulong[n];
            var b = new ulong[n];
            var t = new ulong[n];
            var p0 = _context.PairPrg(PartyId.Server0);
            var p1 = _context.PairPrg(PartyId.Server1);
            p0.Fill<ulong>(a);
            p0.Fill<ulong>(b);
            p1.Fill<ulong>(t);
            RingOps.Add<ulong>(a, t, a);
            p1.Fill<ulong>(t);
            RingOps.Add<ulong>(b, t, b);
            RingOps.Mul<ulong>(a, b, a);
            DealRing(n, a, []);
            return new TripleMaterial([], [], []);
        }

        var prg = _context.PairPrg(PartyId.Helper);
        var aShare = new ulong[n];
        var bShare = new ulong[n];
        prg.Fill<ulong>(aShare);
        prg.Fill<ulong>(bShare);
        var cShare = new ulong[n];
        DealRing(n, [], cShare);
        return new TripleMaterial(aShare, bShare, cShare);
    }

    /// <summary>Truncation masks: r uniform (one PRG share per server), shares of r &gt;&gt; d and msb(r) (one message of 2n words).</summary>
    public TruncationMaterial Truncation(int n, int bits)
    {
        if (Role == PartyId.Helper)
        {
            var r = new ulong[n];
            var r1 = new ulong[n];
            _context.PairPrg(PartyId.Server0).Fill<ulong>(r);
            _context.PairPrg(PartyId.Server1).Fill<ulong>(r1);
            RingOps.Add<ulong>(r, r1, r);
            var derived = new ulong[2 * n];
            for (var i = 0; i < n; i++)
            {
                derived[i] = r[i] >> bits;
                derived[n + i] = r[i] >> 63;
            }

            DealRing(2 * n, derived, []);
            return new TruncationMaterial([], [], []);
        }

        var share = new ulong[n];
        _context.PairPrg(PartyId.Helper).Fill<ulong>(share);
        var both = new ulong[2 * n];
        DealRing(2 * n, [], both);
        return new TruncationMaterial(share, both[..n], both[n..]);
    }

    /// <summary>n mask bits known to the helper only (private PRG), shared to the servers over <paramref name="ring"/>.</summary>
    public BitMasks Masks(int n, ShareRing ring)
    {
        if (Role == PartyId.Helper)
        {
            var packed = new ulong[BitPacking.PackedLength(n)];
            Sampling.FillPackedBits(_context.Own, n, packed);
            var bits = new byte[n];
            BitPacking.Unpack(packed, bits);
            if (ring == ShareRing.Prime)
            {
                DealPrime(n, bits, []);
            }
            else
            {
                var values = new ulong[n];
                for (var i = 0; i < n; i++)
                {
                    values[i] = bits[i];
                }

                DealRingOrOdd(ring, n, values, []);
            }

            return new BitMasks([], [], packed);
        }

        if (ring == ShareRing.Prime)
        {
            var primeShares = new byte[n];
            DealPrime(n, [], primeShares);
            return new BitMasks([], primeShares, []);
        }

        var shares = new ulong[n];
        DealRingOrOdd(ring, n, [], shares);
        return new BitMasks(shares, [], []);
    }

    /// <summary>PrivateCompare's common randomness, from the server0-server1 PRG (the helper gets empty arrays).</summary>
    public CompareRandomness Compare(int n)
    {
        if (Role == PartyId.Helper)
        {
            return new CompareRandomness([], [], []);
        }

        var prg = _context.PairPrg(_context.OtherServer);
        var s = new byte[64 * n];
        var u = new byte[64 * n];
        var rotations = new byte[n];
        Sampling.FillZpNonZero(prg, s);
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
            var r0 = new ulong[n];
            r = new ulong[n];
            prg.Fill<ulong>(r0);
            // r = 0 would make PrivateCompare's threshold r - 1 wrap; excluding it costs 2^-64 statistical distance.
            Sampling.FillNonZero(prg, r);
            alpha = new byte[n];
            rShare = Role == PartyId.Server0 ? r0 : new ulong[n];
            for (var i = 0; i < n; i++)
            {
                var r1 = r[i] - r0[i];
                alpha[i] = r[i] < r0[i] ? (byte)1 : (byte)0;
                if (Role == PartyId.Server1)
                {
                    rShare[i] = r1;
                }
            }

            eta = new byte[n];
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
        ulong[] x = [], xLsb = [];
        byte[] xBits = [], beta = [];
        if (Role == PartyId.Helper)
        {
            var x0 = new ulong[n];
            var x1 = new ulong[n];
            Sampling.FillOdd(_context.PairPrg(PartyId.Server0), x0);
            Sampling.FillOdd(_context.PairPrg(PartyId.Server1), x1);
            var bits = new byte[64 * n];
            var lsb = new ulong[n];
            for (var i = 0; i < n; i++)
            {
                var v = OddRing.Add(x0[i], x1[i]);
                for (var k = 0; k < 64; k++)
                {
                    bits[(64 * i) + k] = (byte)((v >> k) & 1);
                }

                lsb[i] = v & 1;
            }

            DealPrime(64 * n, bits, []);
            DealRing(n, lsb, []);
        }
        else
        {
            x = new ulong[n];
            Sampling.FillOdd(_context.PairPrg(PartyId.Helper), x);
            xBits = new byte[64 * n];
            DealPrime(64 * n, [], xBits);
            xLsb = new ulong[n];
            DealRing(n, [], xLsb);
            beta = new byte[n];
            Sampling.FillBits(_context.PairPrg(_context.OtherServer), beta);
        }

        var compare = Compare(n);
        var betaPrime = Masks(n, ShareRing.Ring);
        var triple = Triple(n);
        return new MsbMaterial(x, xBits, xLsb, beta, compare, betaPrime, triple);
    }

    private void DealRingOrOdd(ShareRing ring, int n, ReadOnlySpan<ulong> values, Span<ulong> share)
    {
        if (ring == ShareRing.Odd)
        {
            DealOdd(n, values, share);
        }
        else
        {
            DealRing(n, values, share);
        }
    }

    /// <summary>Shares over Z_2^64 of n values the helper knows: server0's from the PRG, server1's = value - server0's (one message).</summary>
    private void DealRing(int n, ReadOnlySpan<ulong> values, Span<ulong> share)
    {
        HelperSent = true;
        switch (Role)
        {
            case PartyId.Helper:
                var correction = new ulong[n];
                _context.PairPrg(PartyId.Server0).Fill<ulong>(correction);
                RingOps.Sub(values, correction, correction);
                _context.Peer(PartyId.Server1).Send(correction);
                break;
            case PartyId.Server0:
                _context.PairPrg(PartyId.Helper).Fill(share);
                break;
            default:
                _context.Peer(PartyId.Helper).Receive(share);
                break;
        }
    }

    /// <summary>As <see cref="DealRing"/> over Z_(2^64 - 1).</summary>
    private void DealOdd(int n, ReadOnlySpan<ulong> values, Span<ulong> share)
    {
        HelperSent = true;
        switch (Role)
        {
            case PartyId.Helper:
                var correction = new ulong[n];
                Sampling.FillOdd(_context.PairPrg(PartyId.Server0), correction);
                for (var i = 0; i < n; i++)
                {
                    correction[i] = OddRing.Sub(values[i], correction[i]);
                }

                _context.Peer(PartyId.Server1).Send(correction);
                break;
            case PartyId.Server0:
                Sampling.FillOdd(_context.PairPrg(PartyId.Helper), share);
                break;
            default:
                _context.Peer(PartyId.Helper).Receive(share);
                break;
        }
    }

    /// <summary>As <see cref="DealRing"/> over Z_67, one byte per element.</summary>
    private void DealPrime(int n, ReadOnlySpan<byte> values, Span<byte> share)
    {
        HelperSent = true;
        switch (Role)
        {
            case PartyId.Helper:
                var correction = new byte[n];
                Sampling.FillZp(_context.PairPrg(PartyId.Server0), correction);
                for (var i = 0; i < n; i++)
                {
                    correction[i] = Zp.Sub(values[i], correction[i]);
                }

                _context.Peer(PartyId.Server1).Send(correction);
                break;
            case PartyId.Server0:
                Sampling.FillZp(_context.PairPrg(PartyId.Helper), share);
                break;
            default:
                _context.Peer(PartyId.Helper).Receive(share);
                break;
        }
    }
}
