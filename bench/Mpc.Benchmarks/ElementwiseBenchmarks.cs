using BenchmarkDotNet.Attributes;
using Mpc.Runtime.Kernels;

namespace Mpc.Benchmarks;

/// <summary>
/// Elementwise ring ops on ulong, in cache (4096 elements, 32 KB per operand) and from memory
/// (4 M elements, 32 MB per operand, about a conv layer's output); throughput counts every byte
/// read and written (24 per element for binary ops, 16 for unary ones).
/// </summary>
[Config(typeof(KernelConfig))]
public class ElementwiseBenchmarks : IWorkPerInvoke
{
    private ulong[] _x = [];
    private ulong[] _y = [];
    private ulong[] _d = [];
    private Action _run = () => { };

    [Params(4096, 4 * 1024 * 1024)]
    public int Length { get; set; } = 4096;

    [Params("Add", "AddInPlace", "Mul", "Xor", "MulScalar", "ShiftRightArithmetic")]
    public string Op { get; set; } = "Add";

    public double Work => (Op is "MulScalar" or "ShiftRightArithmetic" ? 16.0 : 24.0) * Length;

    public string Unit => "GB/s";

    [GlobalSetup]
    public void Setup()
    {
        _x = SkinModel.Random<ulong>(Length, 1);
        _y = SkinModel.Random<ulong>(Length, 2);
        _d = new ulong[Length];
        _run = Op switch
        {
            "Add" => () => RingOps.Add<ulong>(_x, _y, _d),
            "AddInPlace" => () => RingOps.Add<ulong>(_d, _y, _d),
            "Mul" => () => RingOps.Mul<ulong>(_x, _y, _d),
            "Xor" => () => RingOps.Xor<ulong>(_x, _y, _d),
            "MulScalar" => () => RingOps.MulScalar<ulong>(_x, 0x9E37_79B9_7F4A_7C15, _d),
            "ShiftRightArithmetic" => () => RingOps.ShiftRightArithmetic<ulong>(_x, 13, _d),
            _ => throw new ArgumentException($"unknown op {Op}"),
        };
    }

    [Benchmark]
    public void Run() => _run();
}
