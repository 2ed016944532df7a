using System.Collections.Immutable;
using Mpc.Party.Models;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Net;
using Mpc.Runtime.Protocols;

namespace Mpc.PartyHost;

/// <summary>
/// tests/Runtime.Tests/Protocols/Example as a <see cref="CompiledModel"/>, in the style generated
/// code has: conv0 (3x3, 2 -> 4, SAME, bias) -> relu0 -> pool0 (2x2 max, or sum with the average's
/// divisor folded into the dense weights) -> dense1 (64 -> 3, bias), f = 12, on 8x8x2 inputs.
/// The fingerprints are those of the folded GraphDef that Party.Tests writes (ExampleGraph), as the
/// code generator hard-codes the fingerprint of the .pb it compiled.
/// </summary>
public sealed class ExampleModel : CompiledModel
{
    /// <summary>The PartyHost process picks its variant from this variable: max (default), avg, max-b2, avg-b2.</summary>
    public const string EnvironmentVariable = "MPC_PARTYHOST_MODEL";

    public const int FracBits = 12;
    public const int Height = 8;
    public const int Width = 8;
    public const int Channels = 2;
    public const int Filters = 4;
    public const int Classes = 3;
    public const int Features = 4 * 4 * Filters;

    private static readonly Dictionary<(bool Average, int Batch), string> Fingerprints = new()
    {
        [(false, 1)] = "2cd513e71e86e8b3bb11db04e150d61d5ce7d3ccec1082b85ec5527c9eb746d9",
        [(true, 1)] = "24e8fa52e43f32bafbf836dcc5b8a0fa73bb940df193ebe6ab509de8101b3e37",
        [(false, 2)] = "d7a8fc7214321494172b0a96d23a6149c002497fd22a6409fd54b1f02102ffb2",
        [(true, 2)] = "92cedabdbb21d8107e5f2a571dc03477346f60491254a3cd87ed8b964c7f087d",
    };

    private readonly Conv2DGeometry _conv0;
    private readonly PoolGeometry _pool0;

    public ExampleModel(bool averagePool = false, int batchSize = 1)
    {
        if (!Fingerprints.TryGetValue((averagePool, batchSize), out var fingerprint))
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), "the example is compiled for batch sizes 1 and 2");
        }

        AveragePool = averagePool;
        BatchSize = batchSize;
        _conv0 = new Conv2DGeometry(
            Batch: batchSize, InH: Height, InW: Width, InC: Channels, OutC: Filters, KH: 3, KW: 3,
            StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);
        _pool0 = new PoolGeometry(
            Batch: batchSize, InH: Height, InW: Width, Channels: Filters, KH: 2, KW: 2,
            StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0);
        ImmutableArray<int> Shape(params int[] dims) => [.. dims];
        Description = new ModelDescription(
            Name: VariantName(averagePool, batchSize),
            Fingerprint: fingerprint,
            BatchSize: batchSize,
            InputName: "input",
            InputShape: Shape(batchSize, Height, Width, Channels),
            OutputShape: Shape(batchSize, Classes),
            InputFracBits: FracBits,
            OutputFracBits: FracBits,
            OutputActivation: "softmax",
            Weights:
            [
                new WeightTensor("conv0", "conv0/kernel", Shape(3, 3, Channels, Filters), FracBits),
                new WeightTensor("conv0", "conv0/Conv2D/bias", Shape(Filters), 2 * FracBits),
                new WeightTensor("dense1", averagePool ? "logits/weights" : "dense1/kernel", Shape(Features, Classes), FracBits),
                new WeightTensor("dense1", "logits/bias", Shape(Classes), 2 * FracBits),
            ],
            Layers:
            [
                new LayerDescription("conv0", "Conv2D", Shape(batchSize, Height, Width, Filters), _conv0.Macs, 0),
                new LayerDescription("relu0", "Relu", Shape(batchSize, Height, Width, Filters), 0, 0),
                new LayerDescription("pool0", averagePool ? "SumPool" : "MaxPool", Shape(batchSize, 4, 4, Filters), 0, averagePool ? 0 : 3L * _pool0.OutputLength),
                new LayerDescription("dense1", "MatMul", Shape(batchSize, Classes), (long)batchSize * Features * Classes, 0),
            ],
            Protocols: averagePool ? [SecureNN.ProtocolName, Pond.ProtocolName] : [SecureNN.ProtocolName],
            TruncationFailureProbability: 0,
            ProtocolNotes: averagePool ? [] : ["pond: max pooling ('pool0') needs a secure comparison, which Pond does not have"]);
    }

    public bool AveragePool { get; }

    public int BatchSize { get; }

    public override ModelDescription Description { get; }

    public static string VariantName(bool averagePool, int batchSize) =>
        (averagePool ? "example-avg" : "example-max") + (batchSize == 1 ? "" : $"-b{batchSize}");

    /// <summary>The variant <see cref="EnvironmentVariable"/> names, or null with the problem.</summary>
    public static ExampleModel? FromEnvironment(out string? problem)
    {
        problem = null;
        switch (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "max")
        {
            case "max": return new ExampleModel(false, 1);
            case "avg": return new ExampleModel(true, 1);
            case "max-b2": return new ExampleModel(false, 2);
            case "avg-b2": return new ExampleModel(true, 2);
            case var other:
                problem = $"{EnvironmentVariable}={other}: expected max, avg, max-b2 or avg-b2";
                return null;
        }
    }

    public override LoadedModel Load(Protocol protocol, IChannel? owner) => new Loaded(this, protocol, owner);

    /// <summary>The model on one party after loading: the two prepared linear layers.</summary>
    private sealed class Loaded : LoadedModel
    {
        private readonly ExampleModel _model;
        private readonly LinearHandle _conv0;
        private readonly LinearHandle _dense1;

        public Loaded(ExampleModel model, Protocol p, IChannel? owner)
        {
            _model = model;
            using (p.Step("conv0"))
            {
                var filter = p.Alloc(model._conv0.FilterLength);
                p.ReceiveWeights(owner, model._conv0.FilterLength, filter);
                var bias = p.Alloc(Filters);
                p.ReceiveWeights(owner, Filters, bias);
                _conv0 = p.PrepareConv2D(model._conv0, filter, bias);
            }

            using (p.Step("dense1"))
            {
                var weights = p.Alloc(Features * Classes);
                p.ReceiveWeights(owner, Features * Classes, weights);
                var bias = p.Alloc(Classes);
                p.ReceiveWeights(owner, Classes, bias);
                _dense1 = p.PrepareMatMul(model.BatchSize, Features, Classes, weights, bias);
            }
        }

        public override void Predict(Protocol p, IChannel? inputProvider, IChannel? outputReceiver, ILayerObserver? observer = null)
        {
            var layers = _model.Description.Layers;
            var conv = _model._conv0;
            var pool = _model._pool0;
            var x = p.Alloc(conv.InputLength);
            p.ReceiveInput(inputProvider, conv.InputLength, x);

            var a = p.Alloc(conv.OutputLength);
            using (p.Step("conv0"))
            {
                p.Conv2D(_conv0, x, a);
                p.Truncate(conv.OutputLength, a, a, FracBits, TruncationMethod.Helper);
            }

            observer?.LayerDone(0, layers[0]);
            using (p.Step("relu0"))
            {
                p.Relu(conv.OutputLength, a, a, FracBits);
            }

            observer?.LayerDone(1, layers[1]);
            var b = p.Alloc(pool.OutputLength);
            using (p.Step("pool0"))
            {
                if (_model.AveragePool)
                {
                    p.SumPool(pool, a, b);
                }
                else
                {
                    p.MaxPool(pool, a, b);
                }
            }

            observer?.LayerDone(2, layers[2]);
            var logits = p.Alloc(_dense1.OutputLength);
            using (p.Step("dense1"))
            {
                p.MatMul(_dense1, b, logits);
                p.Truncate(_dense1.OutputLength, logits, logits, FracBits, TruncationMethod.Helper);
            }

            observer?.LayerDone(3, layers[3]);
            p.RevealTo(outputReceiver, _dense1.OutputLength, logits);
        }
    }
}
