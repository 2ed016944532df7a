using BenchmarkDotNet.Attributes;
using Mpc.Runtime.Kernels;

namespace Mpc.Benchmarks;

/// <summary>Ring GEMM: the skin model's dense layer (1x18432 by 18432x2) and a square 512^3 for reference.</summary>
[Config(typeof(KernelConfig))]
public class MatMulBenchmarks : IWorkPerInvoke
{
    private ulong[] _a = [];
    private ulong[] _b = [];
    private ulong[] _c = [];
    private PackedRingMatrix<ulong>? _packed;
    private int _m;
    private int _k;
    private int _n;

    [Params("1x18432x2", "512x512x512")]
    public string Shape { get; set; } = "512x512x512";

    public double Work
    {
        get
        {
            var (m, k, n) = Parse(Shape);
            return (double)m * k * n;
        }
    }

    public string Unit => "GMAC/s";

    [GlobalSetup]
    public void Setup()
    {
        (_m, _k, _n) = Parse(Shape);
        _a = SkinModel.Random<ulong>(_m * _k, 1);
        _b = SkinModel.Random<ulong>(_k * _n, 2);
        _c = new ulong[_m * _n];
        _packed = RingLinear.Pack<ulong>(_b, _k, _n);
    }

    [Benchmark(Baseline = true)]
    public void Prepacked() => RingLinear.MatMul(_a, _packed!, _c, _m);

    [Benchmark]
    public void PackedPerCall() => RingLinear.MatMul<ulong>(_a, _b, _c, _m, _k, _n);

    private static (int M, int K, int N) Parse(string shape)
    {
        var parts = shape.Split('x').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }
}
