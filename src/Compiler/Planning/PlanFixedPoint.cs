using Mpc.Compiler.Diagnostics;
using Mpc.Compiler.Ir;
using Mpc.Runtime.Protocols;

namespace Mpc.Compiler.Planning;

/// <summary>Choices the user may force; everything left null is planned.</summary>
/// <param name="ActivationFracBits">Fractional bits of activations (default: planned, at most 16).</param>
/// <param name="WeightFracBits">Fractional bits of weights (default: planned, at most 20).</param>
/// <param name="MarginBits">Headroom kept above observed bounds (ignored for sound bounds).</param>
/// <param name="FailureBudget">The largest acceptable P(any truncation fails) per prediction.</param>
/// <param name="Truncation">Force one method for every truncation (default: local where the budget allows).</param>
public sealed record PlanOptions(
    int? ActivationFracBits = null,
    int? WeightFracBits = null,
    int MarginBits = 6,
    double? FailureBudget = null,
    TruncationMethod? Truncation = null);

/// <summary>
/// Plans the fixed-point encoding of a folded graph: chooses the fractional bits and, for every
/// truncation, SecureNN's local truncation or the helper-assisted one.
/// </summary>
/// <remarks>
/// <para>Requires: a folded graph (batch norms folded, average-pool divisors moved into the next linear
/// layer where possible) and bounds for every value. Guarantees: every value, as encoded, stays below
/// 2^62 in magnitude with <see cref="PlanOptions.MarginBits"/> to spare (the helper truncation and
/// SecureNN's DReLU are exact up to that bound), and P(any local truncation fails) stays within the
/// budget; otherwise it refuses with a message naming the offending nodes.</para>
/// <para>Scales: activations carry f_a fractional bits, weights f_w; a linear output carries
/// f_a + f_w before it is truncated by f_w. Larger scales cost nothing in Z_2^64 but headroom, so the
/// planner takes f_w as large as possible (weight rounding dominates the error: a layer sums
/// thousands of rounded products), then f_a, within caps of 20 and 16 bits.</para>
/// <para>Local truncation fails with probability 2^(l_x + 1 - 64) per element when |x| &lt; 2^l_x;
/// the planner starts with every truncation local (it is free) and moves the riskiest to the helper
/// method (one round and 16 bytes per element) until the total fits the budget. For the skin model
/// (10.8 M truncated elements near 2^40) that means all of them.</para>
/// </remarks>
public static class PlanFixedPoint
{
    public const int MaxActivationFracBits = 16;
    public const int MaxWeightFracBits = 20;
    public const int MinFracBits = 8;

    /// <summary>Encoded magnitudes stay below 2^62 (the helper truncation's and DReLU's domain).</summary>
    private const int MagnitudeLimitBits = 62;

    public static FixedPointPlan Run(Graph graph, ActivationBounds bounds, PlanOptions? options = null, string file = "model")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(bounds);
        options ??= new PlanOptions();
        var margin = bounds.Sound ? 0 : options.MarginBits;
        var revealed = SecureOutput.Of(graph);

        // Products (f_a + f_w) and activations (f_a): the largest log2 bound of each kind.
        var products = TruncatedNodes(graph, revealed).Select(n => n.Name).Append(revealed).Where(n => graph[n] is LinearNode or Mul).ToList();
        var productBits = Log2Ceiling(products.Select(n => bounds[n]).DefaultIfEmpty(0).Max()) + margin;
        var activationBits = Log2Ceiling(graph.Nodes.Where(n => n is not Constant).Select(n => bounds[n.Name]).DefaultIfEmpty(0).Max()) + margin;
        var budgetBits = MagnitudeLimitBits - 1 - productBits; // f_a + f_w
        int fa, fw;
        if (options.ActivationFracBits is int forcedA && options.WeightFracBits is int forcedW)
        {
            (fa, fw) = (forcedA, forcedW);
        }
        else
        {
            fa = options.ActivationFracBits ?? Math.Min(MaxActivationFracBits, Math.Min(budgetBits / 2, MagnitudeLimitBits - 1 - activationBits));
            fw = options.WeightFracBits ?? Math.Min(MaxWeightFracBits, budgetBits - fa);
        }

        var headroom = Math.Min(MagnitudeLimitBits - 1 - productBits - fa - fw, MagnitudeLimitBits - 1 - activationBits - fa) + margin;
        if (fa < MinFracBits || fw < MinFracBits || headroom < margin)
        {
            var worst = products.Concat(graph.Nodes.Where(n => n is not Constant).Select(n => n.Name))
                .OrderByDescending(n => bounds[n]).Take(3)
                .Select(n => new Diagnostic(Problem.FixedPointRange, n, $"|value| up to {bounds[n]:G4} ({bounds.Source})"))
                .ToList();
            worst.Add(new Diagnostic(Problem.FixedPointRange, "",
                $"with {margin} bits of margin, {fa} and {fw} fractional bits for activations and weights do not fit 2^{MagnitudeLimitBits} (at least {MinFracBits} each are needed)" +
                (bounds.Sound ? "; pass --calibration with typical inputs for tighter bounds" : "")));
            throw new ModelException(file, worst);
        }

        var decisions = TruncatedNodes(graph, revealed)
            .Select(n => Decide(n, bounds[n.Name], fa, fw, margin))
            .ToList();
        ChooseMethods(decisions, options.FailureBudget ?? FixedPointPlan.DefaultFailureBudget, options.Truncation);
        return new FixedPointPlan(fa, fw, bounds, margin, headroom, options.FailureBudget ?? FixedPointPlan.DefaultFailureBudget, [.. decisions]);
    }

    /// <summary>The nodes whose encoded value is a product and is truncated back to f_a: linear layers, multiplications by constants, unfolded average pools; not the revealed output.</summary>
    public static IEnumerable<Node> TruncatedNodes(Graph graph, string revealed) =>
        graph.Nodes.Where(n => n.Name != revealed && (n is LinearNode or AvgPool || (n is Mul m && (graph.IsConstant(m.A) || graph.IsConstant(m.B)))));

    private static TruncationDecision Decide(Node node, double bound, int fa, int fw, int margin)
    {
        // An average pool multiplies by 1/n encoded with f_w bits, exactly as a product with a weight.
        var magnitudeBits = Log2Ceiling(bound) + margin + fa + fw;
        long elements = node.Shape.ElementCount;
        var p = Protocol.LocalTruncationFailureProbability(Math.Max(0, magnitudeBits), elements);
        return new TruncationDecision(node.Name, elements, fw, magnitudeBits, TruncationMethod.Local, p);
    }

    private static void ChooseMethods(List<TruncationDecision> decisions, double budget, TruncationMethod? forced)
    {
        if (forced is TruncationMethod method)
        {
            for (var i = 0; i < decisions.Count; i++)
            {
                decisions[i] = decisions[i] with { Method = method };
            }

            return;
        }

        // Greedy: the riskiest local truncations move to the helper until the rest fits the budget.
        var order = Enumerable.Range(0, decisions.Count).OrderByDescending(i => decisions[i].LocalFailureProbability).ThenBy(i => i).ToList();
        foreach (var i in order)
        {
            var logSurvive = decisions.Where(d => d.Method == TruncationMethod.Local).Sum(d => double.LogP1(-d.LocalFailureProbability));
            if (-double.ExpM1(logSurvive) <= budget)
            {
                break;
            }

            decisions[i] = decisions[i] with { Method = TruncationMethod.Helper };
        }
    }

    /// <summary>The smallest b with |v| &lt; 2^b (0 for 0; bounds below 1 count as 1).</summary>
    internal static int Log2Ceiling(double bound) =>
        double.IsFinite(bound) ? Math.Max(0, (int)Math.Floor(Math.Log2(Math.Max(bound, 1))) + 1) : int.MaxValue / 4;
}
