namespace Mpc.Compiler.Evaluation;

/// <summary>An estimate with its percentile bootstrap interval.</summary>
public readonly record struct Estimate(double Value, double Low, double High);

/// <summary>Test metrics of a scored binary classifier at a fixed threshold.</summary>
public sealed record BinaryReport(int Cases, int Positives, double Threshold, Estimate Auc, Estimate Sensitivity, Estimate Specificity, int Resamples);

/// <summary>
/// ROC AUC (Mann-Whitney, ties counted one half), sensitivity and specificity of <c>score &gt;= t</c>,
/// Youden's J threshold, and stratified percentile bootstrap intervals: the definitions of
/// training/metrics.py, so C# and Python numbers compare (the bootstrap draws differ, so intervals
/// agree only up to resampling noise).
/// </summary>
public static class BinaryMetrics
{
    /// <summary>P(class 1) of two logits, in double: 1 / (1 + exp(z0 - z1)).</summary>
    public static double PositiveProbability(float z0, float z1) => 1.0 / (1.0 + Math.Exp((double)z0 - z1));

    public static double Auc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[order[k]] = (0.5 * (i + j)) + 1;
            }

            i = j + 1;
        }

        double positives = labels.Count(l => l), negatives = labels.Count - positives, rankSum = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            rankSum += labels[i] ? ranks[i] : 0;
        }

        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    public static (double Sensitivity, double Specificity) SensitivitySpecificity(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, double threshold)
    {
        int tp = 0, p = 0, tn = 0, n = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i])
            {
                p++;
                tp += scores[i] >= threshold ? 1 : 0;
            }
            else
            {
                n++;
                tn += scores[i] < threshold ? 1 : 0;
            }
        }

        return (p == 0 ? double.NaN : (double)tp / p, n == 0 ? double.NaN : (double)tn / n);
    }

    /// <summary>The threshold maximising sensitivity + specificity - 1 over midpoints of distinct scores; ties go to the lowest.</summary>
    public static double YoudenThreshold(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var u = scores.Distinct().Order().ToArray();
        var candidates = u.Length > 1 ? [u[0] - 1, .. u.Zip(u.Skip(1), (a, b) => (a + b) / 2), u[^1] + 1] : u;
        double best = candidates[0], bestJ = double.NegativeInfinity;
        foreach (var t in candidates)
        {
            var (s, p) = SensitivitySpecificity(labels, scores, t);
            if (s + p - 1 > bestJ + 1e-12)
            {
                (best, bestJ) = (t, s + p - 1);
            }
        }

        return best;
    }

    /// <summary>Point estimates and stratified percentile bootstrap intervals (positives and negatives resampled apart).</summary>
    public static BinaryReport Report(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, double threshold, int resamples = 2000, int seed = 0, double level = 0.95)
    {
        var random = new Random(seed);
        var positives = Enumerable.Range(0, labels.Count).Where(i => labels[i]).ToArray();
        var negatives = Enumerable.Range(0, labels.Count).Where(i => !labels[i]).ToArray();
        var auc = new double[resamples];
        var sens = new double[resamples];
        var spec = new double[resamples];
        var l = new bool[labels.Count];
        var s = new double[labels.Count];
        for (var r = 0; r < resamples; r++)
        {
            var k = 0;
            foreach (var group in new[] { positives, negatives })
            {
                for (var i = 0; i < group.Length; i++, k++)
                {
                    var pick = group[random.Next(group.Length)];
                    (l[k], s[k]) = (labels[pick], scores[pick]);
                }
            }

            auc[r] = Auc(l, s);
            (sens[r], spec[r]) = SensitivitySpecificity(l, s, threshold);
        }

        var (sensitivity, specificity) = SensitivitySpecificity(labels, scores, threshold);
        Estimate E(double value, double[] samples) => new(value, Percentile(samples, (1 - level) / 2), Percentile(samples, (1 + level) / 2));
        return new BinaryReport(labels.Count, positives.Length, threshold, E(Auc(labels, scores), auc), E(sensitivity, sens), E(specificity, spec), resamples);
    }

    /// <summary>Linear interpolation between order statistics (numpy's default percentile).</summary>
    private static double Percentile(double[] values, double q)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
