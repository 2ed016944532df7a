using System.Globalization;
using Mpc.Party.CommandLine;

namespace Mpc.Party.Commands;

/// <summary><c>info</c>: the compiled model's constants (shapes, fingerprint, scales, weights, layers, protocols).</summary>
internal static class InfoCommand
{
    public static Verb Verb(CommandContext context) => new(
        "info",
        "Describe the compiled model: shapes, fingerprint, layers, protocols.",
        [],
        _ =>
        {
            var m = context.Description;
            var w = context.Console.Out;
            string Dims(IEnumerable<int> shape) => "[" + string.Join(",", shape) + "]";
            w.WriteLine($"model {m.Name}");
            w.WriteLine($"fingerprint {m.Fingerprint}");
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch size {m.BatchSize}"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"input '{m.InputName}' {Dims(m.InputShape)}, {m.InputFracBits} fractional bits"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"output {Dims(m.OutputShape)}, {m.OutputFracBits} fractional bits, {(m.OutputActivation == "softmax" ? "softmax by the output receiver" : "no output activation")}"));
            w.WriteLine($"protocols {string.Join(", ", m.Protocols)}");
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"truncation failure probability per prediction <= {m.TruncationFailureProbability:G3}"));
            w.WriteLine();
            w.WriteLine("weights, in the order the model owner shares them:");
            foreach (var t in m.Weights)
            {
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Layer,-20} {t.Node,-32} {Dims(t.Shape),-16} f = {t.FracBits}"));
            }

            w.WriteLine();
            w.WriteLine("layers:");
            for (var i = 0; i < m.Layers.Length; i++)
            {
                var l = m.Layers[i];
                w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}  {l.Name,-20} {l.Op,-10} {Dims(l.OutputShape),-16} {l.Macs,14:N0} MACs {l.Comparisons,12:N0} comparisons"));
            }

            return 0;
        });
}
