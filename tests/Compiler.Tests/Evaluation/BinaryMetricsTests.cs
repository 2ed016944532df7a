using Mpc.Compiler.Evaluation;
using Xunit;

namespace Mpc.Compiler.Tests.Evaluation;

/// <summary>The metrics against values worked by hand.</summary>
public sealed class BinaryMetricsTests
{
    private static readonly bool[] Labels = [true, false, true, false, true, false];

    [Fact]
    public void AucCountsEveryPositiveNegativePairAndTiesAsOneHalf()
    {
        // Pairs (pos, neg): 3 x 3 = 9. Scores: pos 0.9, 0.4, 0.6; neg 0.1, 0.4, 0.7.
        // 0.9 beats all 3; 0.4 beats 0.1, ties 0.4 (1.5); 0.6 beats 0.1 and 0.4 (2). Total 6.5 / 9.
        double[] scores = [0.9, 0.1, 0.4, 0.4, 0.6, 0.7];
        Assert.Equal(6.5 / 9, BinaryMetrics.Auc(Labels, scores), 12);
    }

    [Fact]
    public void SensitivityAndSpecificityUseScoreAtLeastThreshold()
    {
        double[] scores = [0.9, 0.1, 0.4, 0.4, 0.6, 0.7];
        var (sens, spec) = BinaryMetrics.SensitivitySpecificity(Labels, scores, 0.4);
        Assert.Equal(1.0, sens);
        Assert.Equal(1.0 / 3, spec, 12);
    }

    [Fact]
    public void YoudenPicksTheMidpointThatSeparatesBest()
    {
        double[] scores = [0.9, 0.1, 0.8, 0.2, 0.7, 0.3];
        Assert.Equal(0.5, BinaryMetrics.YoudenThreshold(Labels, scores), 12);
    }

    [Fact]
    public void BootstrapIntervalsContainThePointEstimateAndAreSeeded()
    {
        double[] scores = [0.9, 0.1, 0.4, 0.4, 0.6, 0.7];
        var a = BinaryMetrics.Report(Labels, scores, 0.5, resamples: 500, seed: 3);
        var b = BinaryMetrics.Report(Labels, scores, 0.5, resamples: 500, seed: 3);
        Assert.Equal(a, b);
        Assert.InRange(a.Auc.Value, a.Auc.Low, a.Auc.High);
        Assert.True(a.Auc.Low < a.Auc.High);
        Assert.Equal(3, a.Positives);
    }
}
