using System.Diagnostics;
using System.Globalization;
using Mpc.Party.Models;

namespace Mpc.Party.Output;

/// <summary>
/// One stderr line per finished layer of an online prediction ("server0: iteration 1, prediction
/// 2/2: layer 3/4 pool0 (MaxPool) 1.8 ms"). Names and times only: nothing about the data.
/// </summary>
internal sealed class ProgressObserver(TextWriter error, string prefix, int layerCount) : ILayerObserver
{
    private long _since = Stopwatch.GetTimestamp();
    private string _where = "";

    /// <summary>Called before each online prediction.</summary>
    public void Start(int request, int prediction, int predictions)
    {
        _where = string.Create(CultureInfo.InvariantCulture, $"{prefix}iteration {request}, prediction {prediction}/{predictions}: ");
        _since = Stopwatch.GetTimestamp();
    }

    public void LayerDone(int index, LayerDescription layer)
    {
        var now = Stopwatch.GetTimestamp();
        var ms = Stopwatch.GetElapsedTime(_since, now).TotalMilliseconds;
        _since = now;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_where}layer {index + 1}/{layerCount} {layer.Name} ({layer.Op}) {ms:F1} ms"));
    }
}
