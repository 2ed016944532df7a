using BenchmarkDotNet.Attributes;
using Mpc.Runtime.Crypto;

namespace Mpc.Benchmarks;

/// <summary>The PRG as it is in src/Runtime/Crypto/AesPrg.cs: filling 1 M ring elements (8 MB) of masks.</summary>
[Config(typeof(KernelConfig))]
public class PrgBenchmarks : IWorkPerInvoke
{
    private readonly ulong[] _masks = new ulong[1 << 20];
    private readonly AesPrg _prg = new(new byte[AesPrg.SeedLength]);

    public double Work => 8.0 * _masks.Length;

    public string Unit => "GB/s";

    [Benchmark]
    public void Fill() => _prg.Fill<ulong>(_masks);
}
