using System.Globalization;
using Mpc.Compiler.Evaluation;
using Mpc.Compiler.Execution;
using Mpc.Compiler.Ir;
using Mpc.Runtime;
using Mpc.Runtime.IO;

namespace Mpc.Compiler.Cli;

/// <summary>
/// <c>mpcc evaluate MODEL.pb --data DIR [--split test] [--protocol plaintext|securenn|pond]</c>: the
/// logits of every image of a split, P(class 1) by softmax, the threshold chosen by Youden's J on
/// another split, and AUC, sensitivity and specificity with stratified bootstrap 95% intervals.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Runs the model on a batch of inputs: plaintext, or a secure deployment in this process.</summary>
    public delegate float[][] Runner(Graph graph, IReadOnlyList<Tensor> inputs);

    /// <param name="secure">How to run a secure protocol (null: only plaintext is available).</param>
    public static int Execute(EvaluateOptions options, TextWriter stdout, Func<string, Graph, Runner>? secure)
    {
        if (options.Resamples < 1)
        {
            throw new MpcInputException($"--resamples {options.Resamples}: must be at least 1");
        }

        var graph = ModelLoader.Load(options.Model, new Frontend.Tf.ImportOptions(1));
        var data = IsicData.Load(options.Data);
        Runner plaintext = (g, inputs) => [.. inputs.Select(x => PlaintextExecutor.Run(g, x).ToArray())];
        var run = options.Protocol == "plaintext"
            ? plaintext
            : secure?.Invoke(options.Protocol, graph) ?? throw new MpcInputException($"--protocol {options.Protocol}: only plaintext is available here");

        var threshold = options.Threshold;
        if (threshold is null)
        {
            var val = Take(data.Split(options.ThresholdSplit), options.Limit);
            var valScores = Scores(run(graph, [.. val.Select(data.Input)]));
            threshold = BinaryMetrics.YoudenThreshold([.. val.Select(c => c.Melanoma)], valScores);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"threshold P(class 1) >= {threshold:F4} (Youden's J on {options.ThresholdSplit}, {val.Count} images, {options.Protocol})"));
        }

        var cases = Take(data.Split(options.Split), options.Limit);
        var logits = run(graph, [.. cases.Select(data.Input)]);
        var labels = cases.Select(c => c.Melanoma).ToList();
        var report = BinaryMetrics.Report(labels, Scores(logits), threshold.Value, options.Resamples);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Model} on {options.Split} ({report.Cases} images, {report.Positives} positive), {options.Protocol}, {report.Resamples} stratified bootstrap resamples"));
        Line(stdout, "AUC", report.Auc);
        Line(stdout, "sensitivity", report.Sensitivity);
        Line(stdout, "specificity", report.Specificity);
        if (options.Protocol != "plaintext")
        {
            var plain = plaintext(graph, [.. cases.Select(data.Input)]);
            var agree = Enumerable.Range(0, cases.Count).Count(i => ArgMax(plain[i]) == ArgMax(logits[i]));
            var diff = Enumerable.Range(0, cases.Count).Max(i => plain[i].Select((v, j) => Math.Abs(v - logits[i][j])).Max());
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"agreement with plaintext: {agree}/{cases.Count} predicted classes; max abs logit difference {diff:G3}"));
        }

        if (options.LogitsFile is not null)
        {
            var classes = logits[0].Length;
            Npy.Write(options.LogitsFile, [cases.Count, classes], logits.SelectMany(l => l).ToArray());
            stdout.WriteLine($"wrote {options.LogitsFile}");
        }

        return 0;
    }

    private static List<IsicCase> Take(IReadOnlyList<IsicCase> cases, int? limit) =>
        [.. limit is int n ? cases.Take(Math.Max(1, n)) : cases];

    private static double[] Scores(float[][] logits) =>
        [.. logits.Select(l => l.Length == 2 ? BinaryMetrics.PositiveProbability(l[0], l[1]) : throw new MpcInputException($"evaluate expects two logits per image, the model gives {l.Length}"))];

    private static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());

    private static void Line(TextWriter w, string name, Estimate e) =>
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-12} {e.Value:F3}  95% CI [{e.Low:F3}, {e.High:F3}]"));
}
