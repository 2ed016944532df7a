using BenchmarkDotNet.Running;

namespace Mpc.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so <c>--filter</c>, <c>--job</c> and the other standard
/// options work (docs/BENCHMARKS.md has the commands). Every benchmark class carries
/// <see cref="KernelConfig"/>, which adds the throughput column. <c>--cpu-time</c> and
/// <c>--cpu-time-ab</c> instead run <see cref="CpuTimeProbe"/>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--cpu-time"])
        {
            CpuTimeProbe.Run(Console.Out);
            return;
        }

        if (args is ["--cpu-time-ab"])
        {
            CpuTimeProbe.RunInterleaved(Console.Out);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
