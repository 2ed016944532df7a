using BenchmarkDotNet.Attributes;
using Mpc.Runtime.Kernels;

namespace Mpc.Benchmarks;

/// <summary>
/// Ring conv2d over Z_2^64 at every distinct skin-model layer shape, both ways of feeding A
/// (direct tap pointers vs tiled im2col), with the filter prepacked (as the protocols hold it).
/// </summary>
[Config(typeof(KernelConfig))]
public class ConvBenchmarks : IWorkPerInvoke
{
    private ulong[] _input = [];
    private ulong[] _output = [];
    private PackedRingMatrix<ulong>? _filter;
    private Conv2DGeometry _g;

    public static IEnumerable<string> Layers => SkinModel.Layers;

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = SkinModel.Layers[0];

    [Params("Direct", "Im2Col")]
    public string Method { get; set; } = "Direct";

    public double Work => SkinModel.Geometry(Layer).Macs;

    public string Unit => "GMAC/s";

    [GlobalSetup]
    public void Setup()
    {
        _g = SkinModel.Geometry(Layer);
        _input = SkinModel.Random<ulong>(_g.InputLength, 1);
        _output = new ulong[_g.OutputLength];
        _filter = RingLinear.PackFilter<ulong>(SkinModel.Random<ulong>(_g.FilterLength, 2), _g);
    }

    [Benchmark]
    public void Conv2D() => RingLinear.Conv2D(_input, _filter!, _output, _g, accumulate: false, Enum.Parse<ConvMethod>(Method));
}

/// <summary>
/// What the protocol's call pattern costs at one mid-size layer (50x50, 256->256): a fresh conv,
/// an accumulating one (conv(E, B_i) + conv(A_i, F) is two of these), the filter packed per call,
/// and Z_2^32 (uint, vpmulld with 16 lanes).
/// </summary>
[Config(typeof(KernelConfig))]
public class ConvVariantBenchmarks : IWorkPerInvoke
{
    private readonly Conv2DGeometry _g = SkinModel.Geometry("50:256->256");
    private ulong[] _input = [];
    private ulong[] _filter = [];
    private ulong[] _output = [];
    private PackedRingMatrix<ulong>? _packed;
    private uint[] _input32 = [];
    private uint[] _output32 = [];
    private PackedRingMatrix<uint>? _packed32;

    public double Work => _g.Macs;

    public string Unit => "GMAC/s";

    [GlobalSetup]
    public void Setup()
    {
        _input = SkinModel.Random<ulong>(_g.InputLength, 1);
        _filter = SkinModel.Random<ulong>(_g.FilterLength, 2);
        _output = new ulong[_g.OutputLength];
        _packed = RingLinear.PackFilter<ulong>(_filter, _g);
        _input32 = SkinModel.Random<uint>(_g.InputLength, 3);
        _output32 = new uint[_g.OutputLength];
        _packed32 = RingLinear.PackFilter<uint>(SkinModel.Random<uint>(_g.FilterLength, 4), _g);
    }

    [Benchmark(Baseline = true)]
    public void Prepacked() => RingLinear.Conv2D(_input, _packed!, _output, _g);

    [Benchmark]
    public void PrepackedAccumulate() => RingLinear.Conv2D(_input, _packed!, _output, _g, accumulate: true);

    [Benchmark]
    public void PackedPerCall() => RingLinear.Conv2D<ulong>(_input, _filter, _output, _g);

    [Benchmark]
    public void Ring32Prepacked() => RingLinear.Conv2D(_input32, _packed32!, _output32, _g);
}
