using System.Collections.Immutable;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.Party.Models;

/// <summary>
/// A model compiled by <c>mpcc compile</c>: the architecture, every shape and every fixed-point
/// decision are constants of the generated code; the weights arrive at run time from the model
/// owner. The same object serves every role (SPMD): the protocol instance knows who it runs as.
/// </summary>
/// <remarks>
/// Life cycle on a computing party: <see cref="Load"/> once per model load (weights received in
/// <see cref="ModelDescription.Weights"/> order, F = W - B opened), then
/// <see cref="LoadedModel.Predict"/> any number of times, with the online (or inline) protocol
/// instance, or with an offline instance to preprocess one prediction (its channels are then null).
/// </remarks>
public abstract class CompiledModel
{
    /// <summary>The generated constants: shapes, scales, weights to send, layers.</summary>
    public abstract ModelDescription Description { get; }

    /// <summary>
    /// Loads the model on this party: on a server, receives this server's share of every tensor of
    /// <see cref="ModelDescription.Weights"/> from <paramref name="owner"/> (a link or a share file
    /// read as frames) and prepares every linear layer; on the helper, deals the weight masks
    /// (<paramref name="owner"/> is null).
    /// </summary>
    public abstract LoadedModel Load(Protocol protocol, IChannel? owner);
}

/// <summary>A model loaded on one party: ready to predict.</summary>
public abstract class LoadedModel
{
    /// <summary>
    /// One secure prediction: the input share from <paramref name="inputProvider"/>, the output
    /// shares to <paramref name="outputReceiver"/> (both null on the helper and while
    /// preprocessing). <paramref name="observer"/> hears about each layer as it finishes.
    /// </summary>
    public abstract void Predict(Protocol protocol, IChannel? inputProvider, IChannel? outputReceiver, ILayerObserver? observer = null);
}

/// <summary>Progress of a prediction, layer by layer (the party program prints one line per layer).</summary>
public interface ILayerObserver
{
    void LayerDone(int index, LayerDescription layer);
}

/// <summary>The constants of a compiled model, as <c>mpcc compile</c> planned them.</summary>
/// <param name="Name">The model's name (<c>--name</c>), e.g. "SkinCancer".</param>
/// <param name="Fingerprint">The folded graph's structural fingerprint (<c>Graph.Fingerprint</c>): a .pb must match it.</param>
/// <param name="BatchSize">The batch size the code was compiled for (the leading dimension of input and output).</param>
/// <param name="InputName">The graph input's name.</param>
/// <param name="InputShape">NHWC (or NC) shape of the input, batch included.</param>
/// <param name="OutputShape">Shape of the revealed output (the logits), batch included.</param>
/// <param name="InputFracBits">Fractional bits the input provider encodes with.</param>
/// <param name="OutputFracBits">Fractional bits of the revealed output.</param>
/// <param name="OutputActivation">What the output receiver applies after reconstruction: "softmax" or "none".</param>
/// <param name="Weights">Every tensor the model owner shares, in the order the servers receive them.</param>
/// <param name="Layers">The layers in execution order.</param>
/// <param name="Protocols">The protocols this model can run under (e.g. pond cannot do max pooling).</param>
/// <param name="TruncationFailureProbability">Upper bound on the probability that any truncation fails in one prediction.</param>
/// <param name="ProtocolNotes">Why each protocol the runtime knows but this model does not run was ruled out, as "name: reason" (mpcc's planner wrote them).</param>
public sealed record ModelDescription(
    string Name,
    string Fingerprint,
    int BatchSize,
    string InputName,
    ImmutableArray<int> InputShape,
    ImmutableArray<int> OutputShape,
    int InputFracBits,
    int OutputFracBits,
    string OutputActivation,
    ImmutableArray<WeightTensor> Weights,
    ImmutableArray<LayerDescription> Layers,
    ImmutableArray<string> Protocols,
    double TruncationFailureProbability,
    ImmutableArray<string> ProtocolNotes = default)
{
    /// <summary>The output activations the output receiver knows.</summary>
    public static readonly ImmutableArray<string> OutputActivations = ["softmax", "none"];

    /// <summary>Why <paramref name="protocol"/> is not among <see cref="Protocols"/>, if the compiler said.</summary>
    public string? WhyNot(string protocol) =>
        ProtocolNotes.IsDefaultOrEmpty ? null : ProtocolNotes.FirstOrDefault(n => n.StartsWith(protocol + ": ", StringComparison.Ordinal))?[(protocol.Length + 2)..];

    /// <summary>The protocol names the runtime knows (<c>Protocol.Create</c>).</summary>
    public static readonly ImmutableArray<string> KnownProtocols = [.. Protocol.Names];

    public int InputLength => InputShape.Aggregate(1, (a, b) => a * b);

    public int OutputLength => OutputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Input values per image (the input without its batch dimension).</summary>
    public int InputLengthPerImage => InputLength / BatchSize;

    /// <summary>Output values per image: the number of classes for a classifier.</summary>
    public int OutputLengthPerImage => OutputLength / BatchSize;

    /// <summary>
    /// Checks that the constants are consistent (batch dimensions, scales, names); the party program
    /// calls it at start, so a code generator mistake is reported before any party connects.
    /// </summary>
    /// <exception cref="InvalidOperationException">The description contradicts itself (a code generator bug).</exception>
    public void Validate()
    {
        var problems = new List<string>();
        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                problems.Add(problem);
            }
        }

        Require(!string.IsNullOrWhiteSpace(Name), "the name is empty");
        Require(!string.IsNullOrWhiteSpace(Fingerprint), "the fingerprint is empty");
        Require(BatchSize >= 1, $"batch size {BatchSize}");
        Require(!InputShape.IsDefaultOrEmpty && InputShape[0] == BatchSize && InputShape.All(d => d >= 1), $"input shape [{Dims(InputShape)}] for batch size {BatchSize}");
        Require(!OutputShape.IsDefaultOrEmpty && OutputShape[0] == BatchSize && OutputShape.All(d => d >= 1), $"output shape [{Dims(OutputShape)}] for batch size {BatchSize}");
        Require(InputFracBits is >= 0 and <= 62 && OutputFracBits is >= 0 and <= 62, $"fractional bits {InputFracBits} / {OutputFracBits}");
        Require(OutputActivations.Contains(OutputActivation), $"output activation '{OutputActivation}' (expected {string.Join(" or ", OutputActivations)})");
        Require(!Protocols.IsDefaultOrEmpty && Protocols.All(KnownProtocols.Contains), $"protocols [{(Protocols.IsDefault ? "" : string.Join(", ", Protocols))}]");
        Require(!Weights.IsDefault && Weights.All(w => !w.Shape.IsDefaultOrEmpty && w.Shape.All(d => d >= 1) && w.FracBits is >= 0 and <= 62), "a weight tensor has an empty shape or bad fractional bits");
        Require(!Layers.IsDefault, "no layer list");
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"the compiled model '{Name}' has an inconsistent description: {string.Join("; ", problems)}");
        }

        static string Dims(ImmutableArray<int> shape) => shape.IsDefault ? "" : string.Join(",", shape);
    }
}

/// <summary>
/// One tensor the model owner encodes and shares: the folded graph's constant <paramref name="Node"/>
/// (Conv2D filters HWIO, MatMul weights KxN, biases [Cout]), flattened in C order, encoded with
/// <paramref name="FracBits"/> fractional bits.
/// </summary>
public sealed record WeightTensor(string Layer, string Node, ImmutableArray<int> Shape, int FracBits)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>One layer of the compiled model, for progress lines, per-layer statistics and inspect.</summary>
public sealed record LayerDescription(string Name, string Op, ImmutableArray<int> OutputShape, long Macs, long Comparisons);
