using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;
using Mpc.Runtime.Rings;

namespace Mpc.Runtime.Protocols;

public abstract partial class Protocol
{
    /// <summary>Fractional bits of u = x / s and of its powers inside polynomial evaluation.</summary>
    public const int PolynomialFracBits = 24;

    /// <summary>Fractional bits of the scaled polynomial coefficients.</summary>
    public const int CoefficientFracBits = 24;

    /// <summary>The truncation method used inside polynomial evaluation (Pond's ReLU, sigmoid).</summary>
    public TruncationMethod PolynomialTruncation { get; init; } = TruncationMethod.Helper;

    /// <summary>
    /// Sigmoid by TF Encrypted's degree-9 polynomial (<see cref="PondPolynomials.Sigmoid"/>) on
    /// fixed-point x with <paramref name="fracBits"/> (0 to 24) fractional bits; see <see cref="EvaluatePolynomial"/>.
    /// </summary>
    public virtual void Sigmoid(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits) =>
        EvaluatePolynomial(count, x, y, fracBits, PondPolynomials.Sigmoid);

    /// <summary>
    /// Evaluates p(x) = sum_k (c_k s^k) u^k with u = x / s: u is x's own encoding read with
    /// ScaleLog2 more fractional bits, rescaled to <see cref="PolynomialFracBits"/>; the needed powers
    /// are built level by level (level l holds the powers in (2^(l-1), 2^l], each the product of
    /// u^(2^(l-1)) and a lower power), each level one batched Beaver product and one truncation;
    /// the terms are summed at 48 fractional bits and truncated to <paramref name="fracBits"/>.
    /// y may be the same span as x.
    /// </summary>
    /// <remarks>
    /// Rounds: ceil(log2 degree) products, plus one per truncation with the helper method (ReLU: 3
    /// products; sigmoid: 4). Bytes per element: 16 per server per computed power (ReLU 4, sigmoid 7)
    /// and 8 per truncated value with the helper method; offline 8 per power (+16 per helper truncation).
    /// Accuracy: within 2^-f + 2^-14 of p(x) on the accurate range, and equal to p(x) up to that
    /// error while every power u^k and p(x) stay below 2^14 in magnitude; beyond that (|x| above
    /// about 28 for ReLU, 19 for sigmoid) the fixed-point values wrap and the result is arbitrary.
    /// Security: only Beaver products and truncations, each masked as documented there.
    /// </remarks>
    private protected void EvaluatePolynomial(int count, ReadOnlySpan<ulong> x, Span<ulong> y, int fracBits, PondPolynomial polynomial)
    {
        Check(count, x, nameof(x));
        Check(count, y, nameof(y));
        if ((uint)fracBits > PolynomialFracBits)
        {
            throw new ArgumentOutOfRangeException(nameof(fracBits), $"{Name}: {polynomial.Name} supports 0 to {PolynomialFracBits} fractional bits, got {fracBits}");
        }

        using var op = Stats.Enter(operation: polynomial.Name);
        var plan = PowerPlan.For(polynomial);
        var method = PolynomialTruncation;
        var inputBits = fracBits + polynomial.ScaleLog2;
        var preTruncate = Math.Max(0, inputBits - PolynomialFracBits);
        var finalBits = PolynomialFracBits + CoefficientFracBits - fracBits;
        if (!TryAcquire(polynomial.Name, d => DealPolynomial(d, count, plan, method, preTruncate, finalBits), out var m))
        {
            return;
        }

        var powers = new ulong[plan.Degree + 1][];
        var u = Alloc(count);
        if (preTruncate > 0)
        {
            TruncateCore(count, x, u, preTruncate, method, m);
        }
        else
        {
            RingOps.ShiftLeft(x, PolynomialFracBits - inputBits, u);
        }

        powers[1] = u;
        foreach (var level in plan.Levels)
        {
            var n = level.Length * count;
            var left = Alloc(n);
            var right = Alloc(n);
            if (HoldsShares)
            {
                for (var p = 0; p < level.Length; p++)
                {
                    var (power, a, b) = level[p];
                    _ = power;
                    powers[a].CopyTo(left.AsSpan(p * count));
                    powers[b].CopyTo(right.AsSpan(p * count));
                }
            }

            MulCore(n, left, right, left, m.Next<TripleMaterial>());
            TruncateCore(n, left, left, PolynomialFracBits, method, m);
            for (var p = 0; p < level.Length; p++)
            {
                powers[level[p].Power] = HoldsShares ? left.AsSpan(p * count, count).ToArray() : [];
            }
        }

        if (!HoldsShares)
        {
            TruncateCore(count, [], [], finalBits, method, m);
            return;
        }

        var sum = new ulong[count];
        var constant = FixedPoint.Encode<ulong>(polynomial.Scaled[0], PolynomialFracBits + CoefficientFracBits);
        if (Role == PartyId.Server0)
        {
            sum.AsSpan().Fill(constant);
        }

        for (var k = 1; k <= plan.Degree; k++)
        {
            if (polynomial.Scaled[k] == 0)
            {
                continue;
            }

            var c = FixedPoint.Encode<ulong>(polynomial.Scaled[k], CoefficientFracBits);
            var pk = powers[k];
            for (var i = 0; i < count; i++)
            {
                sum[i] += c * pk[i];
            }
        }

        TruncateCore(count, sum, y, finalBits, method, m);
    }

    private static CompositeMaterial DealPolynomial(Dealer d, int count, PowerPlan plan, TruncationMethod method, int preTruncate, int finalBits)
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
                parts.Add(d.Truncation(level.Length * count, PolynomialFracBits));
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
