using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests.Protocols.Example;

/// <summary>
/// The template for generated models: conv0 -> relu0 -> pool0 (max or average) -> dense1.
/// Every party runs exactly this code; the protocol object knows its role. A model object is
/// created once per model load (weights received, F = W - B opened) with the online protocol
/// instance and then predicts any number of times, with the online or inline instance, or with the
/// offline instance to preprocess a prediction (its channels are then null).
/// </summary>
internal sealed class ExampleModel
{
    public const int FracBits = 12;
    public const int InputLength = Conv0.InputLength;
    public const int OutputLength = Dense1.OutputLength;

    private readonly LinearHandle _conv0;
    private readonly LinearHandle _dense1;

    /// <summary>Loads the model: weights arrive from the model owner in layer order (filter, bias per layer).</summary>
    public ExampleModel(Protocol p, IChannel? owner, bool averagePool)
    {
        AveragePool = averagePool;
        _conv0 = Conv0.Load(p, owner);
        _dense1 = Dense1.Load(p, owner);
    }

    public bool AveragePool { get; }

    /// <summary>One prediction: the input from the input provider, the logits to the output receiver.</summary>
    public void Predict(Protocol p, IChannel? inputProvider, IChannel? outputReceiver)
    {
        var x = p.Alloc(Conv0.InputLength);
        p.ReceiveInput(inputProvider, Conv0.InputLength, x);

        var a = p.Alloc(Conv0.OutputLength);
        Conv0.Run(p, _conv0, x, a);
        Relu0.Run(p, a);

        var b = p.Alloc(Pool0.OutputLength);
        if (AveragePool)
        {
            Pool0.RunAverage(p, a, b);
        }
        else
        {
            Pool0.RunMax(p, a, b);
        }

        var logits = p.Alloc(Dense1.OutputLength);
        Dense1.Run(p, _dense1, b, logits);
        p.RevealTo(outputReceiver, Dense1.OutputLength, logits);
    }
}
