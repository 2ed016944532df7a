using BenchmarkDotNet.Attributes;
using Mpc.Runtime.Kernels;
using Mpc.Runtime.Rings;

namespace Mpc.Benchmarks;

/// <summary>Bit packing of 1 M bits; throughput counts the bytes read and written (1 + 1/8 per bit).</summary>
[Config(typeof(KernelConfig))]
public class BitPackingBenchmarks : IWorkPerInvoke
{
    private const int Count = 1 << 20;
    private readonly byte[] _bits = new byte[Count];
    private readonly ulong[] _packed = new ulong[Count / 64];

    public double Work => Count * (1 + (1.0 / 8));

    public string Unit => "GB/s";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (var i = 0; i < Count; i++)
        {
            _bits[i] = (byte)rng.Next(2);
        }

        BitPacking.Pack(_bits, _packed);
    }

    [Benchmark(Baseline = true)]
    public void Pack() => BitPacking.Pack(_bits, _packed);

    [Benchmark]
    public void Unpack() => BitPacking.Unpack(_packed, _bits);
}

/// <summary>Fixed-point encode/decode of 1 M values (float to ulong and back); throughput counts 4 + 8 bytes per value.</summary>
[Config(typeof(KernelConfig))]
public class FixedPointBenchmarks : IWorkPerInvoke
{
    private const int Count = 1 << 20;
    private readonly float[] _floats = new float[Count];
    private readonly ulong[] _ring = new ulong[Count];

    public double Work => Count * 12.0;

    public string Unit => "GB/s";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (var i = 0; i < Count; i++)
        {
            _floats[i] = (float)((rng.NextDouble() - 0.5) * 100);
        }

        FixedPoint.Encode<ulong>(_floats, 16, _ring);
    }

    [Benchmark(Baseline = true)]
    public void Encode() => FixedPoint.Encode<ulong>(_floats, 16, _ring);

    [Benchmark]
    public void Decode() => FixedPoint.Decode<ulong>(_ring, 16, _floats);
}
