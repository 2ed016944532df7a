using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;
using Mpc.Runtime.Rings;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>The truncation method used inside polynomial evaluation (Pond's ReLU, sigmoid).</summary>
    public TruncationMethod PolynomialTruncation { get; init; } = TruncationMethod.Helper;

    /// <summary>
    /// Fractional bits of u = x / s and its powers (F_p), and of the scaled coefficients (F_c),
    /// inside polynomial evaluation: 24 and 24 with helper truncation (exact at any magnitude below
    /// 2^62), 16 and 16 with local truncation, whose failure probability grows with the magnitude
    /// truncated (products at 2 F_p bits: about 2^-31 per element at 16).
    /// </summary>
    public static (int Powers, int Coefficients) PolynomialScales(TruncationMethod method) =>
        method == TruncationMethod.Helper ? (24, 24) : (16, 16);

    /// <summary>
    /// A bound on |secure result - p(x)| for |x| &lt;= <paramref name="maxAbsX"/> (x exactly
    /// representable with <paramref name="fracBits"/>): every truncation is off by less than 1 ulp of
    /// its scale, and that error is propagated through the power products and the scaled
    /// coefficients (whose rounding is added too), plus 1 ulp of the final truncation to f bits.
    /// For ReLU on [-14, 14] with helper truncation this is about 2^-f + 2^-13.
    /// </summary>
    public static double PolynomialErrorBound(PondPolynomial polynomial, int fracBits, TruncationMethod method, double maxAbsX)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        var (fp, fc) = PolynomialScales(method);
        var ulp = Math.ScaleB(1.0, -fp);
        var u = maxAbsX / Math.ScaleB(1.0, polynomial.ScaleLog2);
        var plan = PowerPlan.For(polynomial);
        var error = new double[plan.Degree + 1];
        error[1] = fracBits + polynomial.ScaleLog2 > fp ? ulp : 0;
        foreach (var level in plan.Levels)
        {
            foreach (var (power, a, b) in level)
            {
                error[power] = (Math.Pow(u, a) * error[b]) + (Math.Pow(u, b) * error[a]) + (error[a] * error[b]) + ulp;
            }
        }

        var bound = Math.ScaleB(1.0, -fracBits) + Math.ScaleB(1.0, -(fp + fc + 1));
        for (var k = 1; k <= plan.Degree; k++)
        {
            if (polynomial.Scaled[k] != 0)
            {
                var power = Math.Pow(u, k);
                bound += (Math.Abs(polynomial.Scaled[k]) * error[k]) + (Math.ScaleB(1.0, -(fc + 1)) * (power + error[k]));
            }
        }

        return bound;
    }

    /// <summary>
    /// Sigmoid by TF Encrypted's degree-9 polynomial (<see cref="PondPolynomials.Sigmoid"/>) on
    /// fixed-point x with <paramref name="fracBits"/> fractional bits (at most F_p of
    /// <see cref="PolynomialScales"/>); see <see cref="EvaluatePolynomial"/>.
    /// </summary>
    public virtual void Sigmoid(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits) =>
        EvaluatePolynomial(count, x, y, fracBits, PondPolynomials.Sigmoid);

    /// <summary>
    /// Evaluates p(x) = sum_k (c_k s^k) u^k with u = x / s: u is x's own encoding read with
    /// ScaleLog2 more fractional bits, rescaled to F_p (<see cref="PolynomialScales"/>); the needed powers
    /// are built level by level (level l holds the powers in (2^(l-1), 2^l], each the product of
    /// u^(2^(l-1)) and a lower power), each level one batched Beaver product and one truncation;
    /// the terms are summed at F_p + F_c fractional bits and truncated to <paramref name="fracBits"/>.
    /// y may be the same span as x.
    /// </summary>
    /// <remarks>
    /// Rounds: ceil(log2 degree) products, plus one per truncation with the helper method (ReLU: 3
    /// products; sigmoid: 4). Bytes per element: 16 per server per computed power (ReLU 4, sigmoid 7)
    /// and 8 per truncated value with the helper method; offline 8 per power (+16 per helper truncation).
    /// Accuracy: within <see cref="PolynomialErrorBound"/> of p(x) (about 2^-f + 2^-13 for ReLU on
    /// [-14, 14] with helper truncation) as long as every product of powers stays below 2^62 at
    /// 2 F_p fractional bits and p(x) below 2^62 at F_p + F_c; beyond that (with helper truncation:
    /// |x| above about 32 for ReLU, 23 for sigmoid; with local truncation 123 and 80) the values
    /// wrap and the result is arbitrary. docs/PROTOCOLS.md tabulates both.
    /// Security: only Beaver products and truncations, each masked as documented there.
    /// </remarks>
    private protected void EvaluatePolynomial(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits, PondPolynomial polynomial)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        var method = PolynomialTruncation;
        var (fp, fc) = PolynomialScales(method);
        if ((uint)fracBits > fp)
        {
            throw new ArgumentOutOfRangeException(nameof(fracBits), $"{Name}: {polynomial.Name} with {method} truncation supports 0 to {fp} fractional bits, got {fracBits}");
        }

        using var op = Stats.Enter(operation: polynomial.Name);
        var plan = PowerPlan.For(polynomial);
        var inputBits = fracBits + polynomial.ScaleLog2;
        var preTruncate = Math.Max(0, inputBits - fp);
        var finalBits = fp + fc - fracBits;
        for (var start = 0; start < count; start += SecureNN.ChunkElements)
        {
            var n = Math.Min(SecureNN.ChunkElements, count - start);
            if (!TryAcquire(polynomial.Name, d => DealPolynomial(d, n, plan, method, fp, preTruncate, finalBits), out var m))
            {
                continue;
            }

            var xs = HoldsShares ? x.Slice(start, n) : x;
            var ys = HoldsShares ? y.Slice(start, n) : y;
            EvaluateChunk(n, xs, ys, polynomial, plan, method, fp, fc, inputBits, preTruncate, finalBits, m);
            m.ReturnTo(Context.Recycler);
        }
    }

    /// <summary>One chunk of <see cref="EvaluatePolynomial"/> with its material.</summary>
    private void EvaluateChunk(
        int count, ReadOnlySpan<ulong> x, Span<ulong> y, PondPolynomial polynomial, PowerPlan plan, TruncationMethod method, int fp, int fc, int inputBits, int preTruncate, int finalBits, CompositeMaterial m)
    {
        var powers = new ulong[plan.Degree + 1][];
        var u = Scratch<ulong>(count, HoldsShares);
        if (preTruncate > 0)
        {
            TruncateCore(count, x, u, preTruncate, method, m);
        }
        else
        {
            RingOps.ShiftLeft(x, fp - inputBits, u);
        }

        powers[1] = u;
        foreach (var level in plan.Levels)
        {
            var n = level.Length * count;
            var left = Scratch<ulong>(n, HoldsShares);
            var right = Scratch<ulong>(n, HoldsShares);
            if (HoldsShares)
            {
                for (var p = 0; p < level.Length; p++)
                {
                    var (_, a, b) = level[p];
                    powers[a].CopyTo(left.AsSpan(p * count));
                    powers[b].CopyTo(right.AsSpan(p * count));
                }
            }

            MulCore(n, left, right, left, m.Next<TripleMaterial>());
            TruncateCore(n, left, left, fp, method, m);
            for (var p = 0; p < level.Length; p++)
            {
                var power = Scratch<ulong>(count, HoldsShares);
                if (HoldsShares)
                {
                    left.AsSpan(p * count, count).CopyTo(power);
                }

                powers[level[p].Power] = power;
            }

            Release(left, right);
        }

        if (!HoldsShares)
        {
            TruncateCore(count, [], [], finalBits, method, m);
            return;
        }

        var sum = Scratch<ulong>(count);
        sum.AsSpan().Fill(Role == PartyId.Server0 ? FixedPoint.Encode<ulong>(polynomial.Scaled[0], fp + fc) : 0);
        for (var k = 1; k <= plan.Degree; k++)
        {
            if (polynomial.Scaled[k] == 0)
            {
                continue;
            }

            var c = FixedPoint.Encode<ulong>(polynomial.Scaled[k], fc);
            var pk = powers[k];
            for (var i = 0; i < count; i++)
            {
                sum[i] += c * pk[i];
            }
        }

        TruncateCore(count, sum, y, finalBits, method, m);
        Release(sum);
        foreach (var power in powers)
        {
            if (power is not null)
            {
                Release(power);
            }
        }
    }

    /// <summary>How many powers each level of a polynomial's evaluation computes (one batched product per level).</summary>
    internal static int[] PowerLevels(PondPolynomial polynomial) => [.. PowerPlan.For(polynomial).Levels.Select(l => l.Length)];

    private static CompositeMaterial DealPolynomial(Dealer d, int count, PowerPlan plan, TruncationMethod method, int fp, int preTruncate, int finalBits)
    {
        var parts = new List<Material>();
        if (preTruncate > 0 && method == TruncationMethod.Helper)
        {
            parts.Add(d.Truncation(count, preTruncate));
        }

        foreach (var level in plan.Levels)
        {
            parts.Add(d.Triple(level.Length * count));
            if (method == TruncationMethod.Helper)
            {
                parts.Add(d.Truncation(level.Length * count, fp));
            }
        }

        if (method == TruncationMethod.Helper)
        {
            parts.Add(d.Truncation(count, finalBits));
        }

        return new CompositeMaterial("polynomial", [.. parts]);
    }

    /// <summary>Truncation inside a composite operation: the helper method takes its material from <paramref name="m"/>.</summary>
    private void TruncateCore(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int bits, TruncationMethod method, CompositeMaterial m)
    {
        if (method == TruncationMethod.Local)
        {
            TruncateLocal(x, y, bits);
        }
        else
        {
            TruncateWithHelper(count, x, y, bits, m.Next<TruncationMaterial>());
        }
    }

    /// <summary>Which powers of u a polynomial needs and how each is built (a function of its nonzero coefficients only).</summary>
    private sealed class PowerPlan
    {
        private PowerPlan(int degree, (int Power, int A, int B)[][] levels)
        {
            Degree = degree;
            Levels = levels;
        }

        public int Degree { get; }

        /// <summary>Level by level: power = u^A * u^B with A = 2^(level-1).</summary>
        public (int Power, int A, int B)[][] Levels { get; }

        public static PowerPlan For(PondPolynomial p)
        {
            var degree = p.Degree;
            var needed = new bool[degree + 1];
            for (var k = degree; k >= 2; k--)
            {
                if (p.Scaled[k] != 0 || needed[k])
                {
                    needed[k] = true;
                    var a = 1 << (Log2Ceiling(k) - 1);
                    needed[a] = true;
                    needed[k - a] = true;
                }
            }

            var levels = new List<(int, int, int)[]>();
            for (var level = 1; (1 << (level - 1)) < degree; level++)
            {
                var a = 1 << (level - 1);
                var items = new List<(int, int, int)>();
                for (var k = a + 1; k <= Math.Min(degree, 2 * a); k++)
                {
                    if (needed[k])
                    {
                        items.Add((k, a, k - a));
                    }
                }

                if (items.Count > 0)
                {
                    levels.Add([.. items]);
                }
            }

            return new PowerPlan(degree, [.. levels]);
        }

        private static int Log2Ceiling(int k) => 32 - int.LeadingZeroCount(k - 1);
    }
}
