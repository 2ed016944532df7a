namespace Mpc.Runtime.Protocols;

/// <summary>
/// One protocol operation's correlated randomness as held by one party: the input-independent part
/// of the operation, produced by <see cref="Dealer"/> ahead of time (offline) or just before use
/// (inline). Servers hold their shares; the helper holds only what it needs later (mask bits).
/// </summary>
internal abstract class Material
{
    public abstract string Operation { get; }

    /// <summary>Memory held, for the preprocessing buffer's bound.</summary>
    public abstract long Bytes { get; }

    /// <summary>Hands this material's arrays back once the operation that consumed it is done with them.</summary>
    public virtual void ReturnTo(ArrayRecycler recycler)
    {
    }

    protected static long Size(ulong[] a) => 8L * a.Length;

    protected static long Size(byte[] a) => a.Length;
}

/// <summary>Beaver masks for one linear layer with the fixed weight mask B: this server's A_j and C_j, C = lin(A, B).</summary>
internal sealed class LinearMaterial(ulong[] a, ulong[] c) : Material
{
    public ulong[] A { get; } = a;

    public ulong[] C { get; } = c;

    public override string Operation => "linear";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(A);
        recycler.Return(C);
    }

    public override long Bytes => Size(A) + Size(C);
}

/// <summary>An elementwise Beaver triple share: A_j, B_j, C_j with C = A * B.</summary>
internal sealed class TripleMaterial(ulong[] a, ulong[] b, ulong[] c) : Material
{
    public ulong[] A { get; } = a;

    public ulong[] B { get; } = b;

    public ulong[] C { get; } = c;

    public override string Operation => "multiply";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(A);
        recycler.Return(B);
        recycler.Return(C);
    }

    public override long Bytes => Size(A) + Size(B) + Size(C);
}

/// <summary>Helper-assisted truncation by d bits: shares of a uniform r, of r &gt;&gt; d and of msb(r).</summary>
internal sealed class TruncationMaterial(ulong[] r, ulong[] shifted, ulong[] msb) : Material
{
    public ulong[] R { get; } = r;

    public ulong[] Shifted { get; } = shifted;

    public ulong[] Msb { get; } = msb;

    public override string Operation => "truncate";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(R);
        recycler.Return(Shifted);
        recycler.Return(Msb);
    }

    public override long Bytes => Size(R) + Size(Shifted) + Size(Msb);
}

/// <summary>The kinds of additive shares a dealt bit can be given in.</summary>
internal enum ShareRing
{
    /// <summary>Z_2^64.</summary>
    Ring,

    /// <summary>Z_(2^64 - 1).</summary>
    Odd,

    /// <summary>Z_67 (bytes).</summary>
    Prime,
}

/// <summary>
/// Random mask bits c, uniform and known only to the helper, additively shared to the servers over
/// a <see cref="ShareRing"/>. Later the helper can give the servers shares of any bits b it knows by
/// sending the packed bits b xor c to both (one bit each instead of an 8-byte share to server1):
/// c is a one-time pad for b, and b = m + c - 2mc is linear in the shares of c once m is public.
/// </summary>
internal sealed class BitMasks(ulong[] ringShares, byte[] primeShares, ulong[] packedMask) : Material
{
    /// <summary>Servers, <see cref="ShareRing.Ring"/> and <see cref="ShareRing.Odd"/>: this server's shares of c.</summary>
    public ulong[] RingShares { get; } = ringShares;

    /// <summary>Servers, <see cref="ShareRing.Prime"/>: this server's shares of c.</summary>
    public byte[] PrimeShares { get; } = primeShares;

    /// <summary>Helper: the mask bits c, packed.</summary>
    public ulong[] PackedMask { get; } = packedMask;

    public override string Operation => "bit masks";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(RingShares);
        recycler.Return(PrimeShares);
        recycler.Return(PackedMask);
    }

    public override long Bytes => Size(RingShares) + Size(PrimeShares) + Size(PackedMask);
}

/// <summary>
/// The servers' common randomness for one PrivateCompare over n values of 64 bits: multipliers
/// s = 2^e in Z_67^*, held as their exponents e uniform in [0, 66) (<see cref="Z67Kernels"/>: a
/// uniform exponent of a generator is a uniform element of Z_67^*), additive masks u in Z_67 (64 per
/// value) and a rotation in [0, 64) per value. Drawn from the server0-server1 PRG; the helper holds none of it.
/// </summary>
internal sealed class CompareRandomness(byte[] multipliers, byte[] masks, byte[] rotations) : Material
{
    public byte[] Multipliers { get; } = multipliers;

    public byte[] Masks { get; } = masks;

    public byte[] Rotations { get; } = rotations;

    public override string Operation => "private compare";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(Multipliers);
        recycler.Return(Masks);
        recycler.Return(Rotations);
    }

    public override long Bytes => Size(Multipliers) + Size(Masks) + Size(Rotations);
}

/// <summary>
/// ShareConvert's input-independent part. Servers: the common r (uniform, nonzero) and this
/// server's share r_j of it, alpha = wrap(r_0, r_1), the common PrivateCompare bit eta'' and its
/// randomness, and shares of the helper's mask bits for the bits of x (Z_67), delta and eta' (odd ring).
/// Helper: those mask bits.
/// </summary>
internal sealed class ShareConvertMaterial(
    ulong[] r, ulong[] rShare, byte[] alpha, byte[] etaCommon, CompareRandomness compare,
    BitMasks xBits, BitMasks delta, BitMasks etaPrime) : Material
{
    public ulong[] R { get; } = r;

    public ulong[] RShare { get; } = rShare;

    public byte[] Alpha { get; } = alpha;

    public byte[] EtaCommon { get; } = etaCommon;

    public CompareRandomness Compare { get; } = compare;

    public BitMasks XBits { get; } = xBits;

    public BitMasks Delta { get; } = delta;

    public BitMasks EtaPrime { get; } = etaPrime;

    public override string Operation => "share convert";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(R);
        if (RShare != R)
        {
            recycler.Return(RShare);
        }

        recycler.Return(Alpha);
        recycler.Return(EtaCommon);
        Compare.ReturnTo(recycler);
        XBits.ReturnTo(recycler);
        Delta.ReturnTo(recycler);
        EtaPrime.ReturnTo(recycler);
    }

    public override long Bytes =>
        Size(R) + Size(RShare) + Size(Alpha) + Size(EtaCommon) + Compare.Bytes + XBits.Bytes + Delta.Bytes + EtaPrime.Bytes;
}

/// <summary>
/// ComputeMSB's input-independent part. Servers: shares of the helper's uniform x over the odd ring
/// (derived from the pairwise PRGs, so never sent), Z_67 shares of its 64 bits, Z_2^64 shares of its
/// LSB, the common bit beta with its PrivateCompare randomness, shares of the mask bits for beta',
/// and a Beaver triple. Helper: the beta' mask bits.
/// </summary>
internal sealed class MsbMaterial(
    ulong[] x, byte[] xBits, ulong[] xLsb, byte[] beta, CompareRandomness compare, BitMasks betaPrime,
    TripleMaterial triple) : Material
{
    public ulong[] X { get; } = x;

    public byte[] XBits { get; } = xBits;

    public ulong[] XLsb { get; } = xLsb;

    public byte[] Beta { get; } = beta;

    public CompareRandomness Compare { get; } = compare;

    public BitMasks BetaPrime { get; } = betaPrime;

    public TripleMaterial Triple { get; } = triple;

    public override string Operation => "compute msb";

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(X);
        recycler.Return(XBits);
        recycler.Return(XLsb);
        recycler.Return(Beta);
        Compare.ReturnTo(recycler);
        BetaPrime.ReturnTo(recycler);
        Triple.ReturnTo(recycler);
    }

    public override long Bytes =>
        Size(X) + Size(XBits) + Size(XLsb) + Size(Beta) + Compare.Bytes + BetaPrime.Bytes + Triple.Bytes;
}

/// <summary>
/// The masked-MSB DReLU's input-independent part (<see cref="SecureNN"/>). Servers: their share r_j
/// of the helper's uniform r (derived from the pairwise stream, never sent), Z_67 shares of the 64
/// bits of r' = r mod 2^63, the common PrivateCompare bit beta and randomness, and shares of the
/// output mask bits. Helper: the packed msb(r) and the mask bits.
/// </summary>
internal sealed class MaskedMsbMaterial(ulong[] rShare, byte[] rBits, byte[] beta, CompareRandomness compare, BitMasks output, ulong[] msbR) : Material
{
    public ulong[] RShare { get; } = rShare;

    public byte[] RBits { get; } = rBits;

    public byte[] Beta { get; } = beta;

    public CompareRandomness Compare { get; } = compare;

    public BitMasks Output { get; } = output;

    public ulong[] MsbR { get; } = msbR;

    public override string Operation => "drelu";

    public override long Bytes => Size(RShare) + Size(RBits) + Size(Beta) + Compare.Bytes + Output.Bytes + Size(MsbR);

    public override void ReturnTo(ArrayRecycler recycler)
    {
        recycler.Return(RShare);
        recycler.Return(RBits);
        recycler.Return(Beta);
        Compare.ReturnTo(recycler);
        Output.ReturnTo(recycler);
        recycler.Return(MsbR);
    }
}

/// <summary>
/// The fused masked ReLU's material: the DReLU's, the servers' common masks m_0 and m_1 for the
/// values they send the helper, and server0's share w_0 of the helper's product (the helper holds
/// w_0 too, to compute server1's share).
/// </summary>
internal sealed class MaskedReluMaterial(MaskedMsbMaterial msb, ulong[] maskA, ulong[] maskB, ulong[] w0) : Material
{
    public MaskedMsbMaterial Msb { get; } = msb;

    public ulong[] MaskA { get; } = maskA;

    public ulong[] MaskB { get; } = maskB;

    public ulong[] W0 { get; } = w0;

    public override string Operation => "relu";

    public override long Bytes => Msb.Bytes + Size(MaskA) + Size(MaskB) + Size(W0);

    public override void ReturnTo(ArrayRecycler recycler)
    {
        Msb.ReturnTo(recycler);
        recycler.Return(MaskA);
        recycler.Return(MaskB);
        recycler.Return(W0);
    }
}

/// <summary>A sequence of materials consumed in order by one composite operation (DReLU, ReLU, MaxPool, polynomials).</summary>
internal sealed class CompositeMaterial(string operation, Material[] parts) : Material
{
    private int _next;

    public override string Operation { get; } = operation;

    public override long Bytes { get; } = parts.Sum(p => p.Bytes);

    public override void ReturnTo(ArrayRecycler recycler)
    {
        foreach (var part in parts)
        {
            part.ReturnTo(recycler);
        }
    }

    /// <summary>The next part, which must have type <typeparamref name="T"/> (dealer and consumer run the same code).</summary>
    public T Next<T>()
        where T : Material
    {
        if (_next >= parts.Length || parts[_next] is not T part)
        {
            throw new MpcException($"{Operation}: preprocessed material is out of step with the online phase");
        }

        _next++;
        return part;
    }
}
