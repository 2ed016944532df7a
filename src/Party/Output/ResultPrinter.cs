using System.Globalization;
using Mpc.Party.Models;
using Mpc.Party.Sessions;
using Mpc.Runtime.Net;

namespace Mpc.Party.Output;

/// <summary>
/// The output block of predict and client (docs/PARTY.md): per image the predicted class and the
/// probabilities (the output receiver's softmax of the revealed logits), then latency per iteration
/// split offline / online, bytes sent per party and rounds. Invariant culture throughout.
/// </summary>
internal static class ResultPrinter
{
    /// <summary>Iterations listed one per line before the table only shows the mean.</summary>
    private const int MaxIterationRows = 20;

    /// <summary>Outputs per image printed in full; above it the top five.</summary>
    private const int MaxListedOutputs = 10;

    public static void Header(TextWriter w, ModelDescription model, string how, ModelInput input, int iterations)
    {
        w.WriteLine(Invariant($"model {model.Name} (fingerprint {model.Fingerprint[..Math.Min(16, model.Fingerprint.Length)]}), batch size {model.BatchSize}"));
        w.WriteLine(Invariant($"{how}: {Count(input.Images, "image")} from {input.Path}, {Count(input.Batches, "prediction")} per iteration, {Count(iterations, "iteration")}"));
        w.WriteLine();
    }

    /// <summary>Class and probabilities (or raw outputs when the model has no softmax) per image.</summary>
    public static void Predictions(TextWriter w, ModelDescription model, ReadOnlySpan<float> logits)
    {
        var per = model.OutputLengthPerImage;
        var softmax = model.OutputActivation == "softmax";
        w.WriteLine(softmax ? "image  class  probabilities" : "image  argmax  outputs");
        for (var image = 0; image < logits.Length / per; image++)
        {
            var row = logits.Slice(image * per, per);
            var values = softmax ? Softmax(row) : [.. row.ToArray().Select(v => (double)v)];
            var best = 0;
            for (var j = 1; j < values.Length; j++)
            {
                best = values[j] > values[best] ? j : best;
            }

            var listed = values.Length <= MaxListedOutputs
                ? string.Join("  ", values.Select(v => Invariant($"{v:F4}")))
                : string.Join("  ", values.Select((v, j) => (v, j)).OrderByDescending(p => p.v).Take(5).Select(p => Invariant($"{p.j}:{p.v:F4}"))) + Invariant($"  (top 5 of {values.Length})");
            w.WriteLine(Invariant($"{image,5}  {best,5}  {listed}"));
        }

        w.WriteLine();
    }

    public static void Latency(TextWriter w, IReadOnlyList<IterationResult> results)
    {
        // A prediction's phase lasts as long as its slowest party: they wait for each other.
        double Phase(IterationResult r, Func<PartyReport, double> ms) => r.Reports.Max(ms);
        LatencyTable(w, "latency per iteration (ms)     offline      online       total", [.. results.Select(r => new[] { Phase(r, p => p.Offline.Milliseconds), Phase(r, p => p.Online.Milliseconds), r.Milliseconds })]);
    }

    /// <summary>Bytes each party sent and the rounds, per iteration (the mean when iterations differ), and the model load once.</summary>
    public static void Traffic(TextWriter w, IReadOnlyList<IterationResult> results)
    {
        w.WriteLine("bytes sent per iteration       offline      online   rounds offline / online");
        foreach (var role in new[] { PartyRole.Server0, PartyRole.Server1, PartyRole.Helper })
        {
            var reports = results.Select(r => r.Reports.First(p => p.Role == role)).ToList();
            w.WriteLine(Invariant(
                $"  {role.ToName(),-26} {reports.Average(p => p.Offline.BytesSent),10:N0}  {reports.Average(p => p.Online.BytesSent),10:N0}   {reports.Average(p => p.Offline.Rounds),6:N0} / {reports.Average(p => p.Online.Rounds):N0}"));
        }

        w.WriteLine(Invariant($"  {"client",-26} {0,10:N0}  {results.Average(r => r.ClientBytesSent),10:N0}"));
        var load = results[0].Reports.OrderBy(p => p.Role).ToList();
        var parts = string.Join(", ", load.Select(p => Invariant($"{p.Role.ToName()} {p.ModelLoad.BytesSent:N0} B")));
        w.WriteLine(Invariant($"model load (once): {parts}; {load.Max(p => p.ModelLoad.Rounds)} round{(load.Max(p => p.ModelLoad.Rounds) == 1 ? "" : "s")}, {load.Max(p => p.ModelLoad.Milliseconds):F1} ms"));
        w.WriteLine();
    }

    public static void PlaintextLatency(TextWriter w, IReadOnlyList<double> milliseconds) =>
        LatencyTable(w, "latency per iteration (ms)   plaintext", [.. milliseconds.Select(ms => new[] { ms })]);

    /// <summary>--check: the largest difference between the secure and the plaintext logits.</summary>
    public static void Check(TextWriter w, ModelDescription model, ReadOnlySpan<float> secure, ReadOnlySpan<float> plaintext)
    {
        double max = 0;
        for (var i = 0; i < secure.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)secure[i] - plaintext[i]));
        }

        w.WriteLine(Invariant($"check: max |secure - plaintext| logit difference {max:G4} over {secure.Length} logits (fixed point with {model.OutputFracBits} fractional bits: 1 ulp = {Math.ScaleB(1, -model.OutputFracBits):G4})"));
    }

    /// <summary>Softmax in double precision, shifted by the maximum so that large logits do not overflow.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        var result = new double[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            result[i] = Math.Exp(logits[i] - max);
            sum += result[i];
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] /= sum;
        }

        return result;
    }

    /// <summary>One row per iteration (at most <see cref="MaxIterationRows"/>), then the column means.</summary>
    private static void LatencyTable(TextWriter w, string header, IReadOnlyList<double[]> rows)
    {
        string Row(string label, IEnumerable<double> values) => Invariant($"  {label,-26}") + string.Concat(values.Select(v => Invariant($" {v,10:F1} ")));
        w.WriteLine(header);
        for (var i = 0; i < Math.Min(rows.Count, MaxIterationRows); i++)
        {
            w.WriteLine(Row((i + 1).ToString(CultureInfo.InvariantCulture), rows[i]).TrimEnd());
        }

        if (rows.Count > MaxIterationRows)
        {
            w.WriteLine(Invariant($"  ... {rows.Count - MaxIterationRows} more"));
        }

        if (rows.Count > 1)
        {
            w.WriteLine(Row("mean", Enumerable.Range(0, rows[0].Length).Select(c => rows.Average(r => r[c]))).TrimEnd());
        }

        w.WriteLine();
    }

    private static string Count(int n, string noun) => Invariant($"{n} {noun}{(n == 1 ? "" : "s")}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
