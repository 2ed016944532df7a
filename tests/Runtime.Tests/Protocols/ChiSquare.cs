namespace Mpc.Runtime.Tests.Protocols;

/// <summary>Pearson chi-square tests with critical values at a tiny significance (1e-6), so the tests do not flake but still catch any real bias.</summary>
internal static class ChiSquare
{
    /// <summary>Upper 1e-6 quantile of the standard normal.</summary>
    private const double Z = 4.753;

    /// <summary>Statistic of observed counts against a uniform distribution over the bins.</summary>
    public static double Uniform(long[] observed)
    {
        var total = observed.Sum();
        var expected = (double)total / observed.Length;
        return observed.Sum(o => (o - expected) * (o - expected) / expected);
    }

    /// <summary>Homogeneity statistic of two histograms with equal totals (df = bins - 1).</summary>
    public static double TwoSample(long[] a, long[] b) =>
        a.Zip(b).Where(p => p.First + p.Second > 0).Sum(p => (p.First - p.Second) * (double)(p.First - p.Second) / (p.First + p.Second));

    /// <summary>Wilson-Hilferty approximation of the chi-square quantile for <paramref name="degreesOfFreedom"/>.</summary>
    public static double Critical(int degreesOfFreedom)
    {
        var k = (double)degreesOfFreedom;
        var c = 2 / (9 * k);
        return k * Math.Pow(1 - c + (Z * Math.Sqrt(c)), 3);
    }

    public static long[] TopByteHistogram(IEnumerable<ulong> values)
    {
        var bins = new long[256];
        foreach (var v in values)
        {
            bins[v >> 56]++;
        }

        return bins;
    }
}
