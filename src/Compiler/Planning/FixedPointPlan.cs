using System.Collections.Immutable;
using System.Globalization;
using Mpc.Runtime.Protocols;

namespace Mpc.Compiler.Planning;

/// <summary>
/// The fixed-point decisions for one model, made once at compile time and emitted as constants:
/// shares live in Z_2^64; every activation is encoded with <see cref="ActivationFracBits"/>
/// fractional bits and every weight with <see cref="WeightFracBits"/>, so a linear layer's output
/// carries their sum and is truncated back by <see cref="WeightFracBits"/> (the output layer is not
/// truncated: the output receiver decodes it with <see cref="OutputFracBits"/>).
/// </summary>
/// <param name="Bounds">The activation bounds the plan was made from.</param>
/// <param name="MarginBits">
/// Bits of headroom the plan keeps above every bound (required when the bounds are observed, not proved).
/// </param>
/// <param name="HeadroomBits">The headroom the chosen scales actually leave below 2^62 for the largest value.</param>
/// <param name="FailureBudget">The largest acceptable probability that any truncation fails in one prediction.</param>
/// <param name="Truncations">Every truncation, in graph order, with its method.</param>
public sealed record FixedPointPlan(
    int ActivationFracBits,
    int WeightFracBits,
    ActivationBounds Bounds,
    int MarginBits,
    int HeadroomBits,
    double FailureBudget,
    ImmutableArray<TruncationDecision> Truncations)
{
    /// <summary>Share values are elements of Z_2^RingBits.</summary>
    public const int RingBits = 64;

    /// <summary>The default budget: a failed truncation (a garbage logit) at most once in 2^20 predictions.</summary>
    public static readonly double DefaultFailureBudget = Math.ScaleB(1.0, -20);

    /// <summary>Fractional bits of a linear layer's untruncated output (and of the revealed logits).</summary>
    public int OutputFracBits => ActivationFracBits + WeightFracBits;

    /// <summary>P(some truncation of one prediction fails): 1 - prod(1 - p_i) over the local truncations.</summary>
    public double FailureProbability
    {
        get
        {
            var logSurvive = 0.0;
            foreach (var t in Truncations.Where(t => t.Method == TruncationMethod.Local))
            {
                logSurvive += double.LogP1(-t.LocalFailureProbability);
            }

            return -double.ExpM1(logSurvive);
        }
    }

    /// <summary>The decision for the truncation of node <paramref name="node"/>, or null when it is not truncated.</summary>
    public TruncationDecision? TruncationOf(string node) => Truncations.FirstOrDefault(t => t.Node == node);

    /// <summary>A short, stable description (inspect, generated comments).</summary>
    public string Summary()
    {
        var helper = Truncations.Count(t => t.Method == TruncationMethod.Helper);
        return string.Create(CultureInfo.InvariantCulture,
            $"Z_2^{RingBits}, {ActivationFracBits} fractional bits for activations, {WeightFracBits} for weights; " +
            $"{Truncations.Length} truncations ({helper} helper, {Truncations.Length - helper} local); " +
            $"P(any truncation fails per prediction) = {FormatProbability(FailureProbability)} (budget {FormatProbability(FailureBudget)}); " +
            $"headroom {HeadroomBits} bits above the {Bounds.Source} bounds");
    }

    /// <summary>0, or 2^-x with one decimal (probabilities span hundreds of orders of magnitude).</summary>
    public static string FormatProbability(double p) =>
        p <= 0 ? "0" : string.Create(CultureInfo.InvariantCulture, $"2^{Math.Log2(p):0.0}");
}

/// <summary>
/// One truncation: the value of <paramref name="Node"/> (<paramref name="Elements"/> elements, below
/// 2^<paramref name="MagnitudeBits"/> in magnitude as encoded) is shifted right by <paramref name="Bits"/>.
/// <paramref name="LocalFailureProbability"/> is what the local method would risk; the planner picks
/// <paramref name="Method"/>.
/// </summary>
public sealed record TruncationDecision(string Node, long Elements, int Bits, int MagnitudeBits, TruncationMethod Method, double LocalFailureProbability);
