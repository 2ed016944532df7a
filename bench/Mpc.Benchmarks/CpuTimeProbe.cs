using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Mpc.Runtime.Kernels;

namespace Mpc.Benchmarks;

/// <summary>
/// <c>--cpu-time</c>: the conv layers timed by this thread's CPU time (clock_gettime
/// CLOCK_THREAD_CPUTIME_ID), best of several runs, next to wall time. On a machine shared with
/// other builds the wall clock measures the scheduler as much as the kernel; thread CPU time
/// measures the kernel per core (cache pollution by the other processes still counts against it).
/// Linux only. Not a BenchmarkDotNet run: no statistics beyond best-of-N, so it complements the
/// BenchmarkDotNet tables in docs/BENCHMARKS.md rather than replacing them.
/// </summary>
internal static class CpuTimeProbe
{
    private const int ClockThreadCpuTime = 3;

    public static void Run(TextWriter output)
    {
        output.WriteLine("| Layer | Z_2^k | Method | MACs | best CPU ms | GMAC/s (CPU) | best wall ms | GMAC/s (wall) |");
        output.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var layer in SkinModel.Layers)
        {
            var g = SkinModel.Geometry(layer);
            var input = SkinModel.Random<ulong>(g.InputLength, 1);
            var output64 = new ulong[g.OutputLength];
            var filter = RingLinear.PackFilter<ulong>(SkinModel.Random<ulong>(g.FilterLength, 2), g);
            foreach (var method in new[] { ConvMethod.Direct, ConvMethod.Im2Col })
            {
                var (cpu, wall) = Time(g.Macs, () => RingLinear.Conv2D(input, filter, output64, g, accumulate: false, method));
                Row(output, layer, 64, method, g.Macs, cpu, wall);
            }

            var input32 = SkinModel.Random<uint>(g.InputLength, 3);
            var output32 = new uint[g.OutputLength];
            var filter32 = RingLinear.PackFilter<uint>(SkinModel.Random<uint>(g.FilterLength, 4), g);
            var (cpu32, wall32) = Time(g.Macs, () => RingLinear.Conv2D(input32, filter32, output32, g));
            Row(output, layer, 32, ConvMethod.Auto, g.Macs, cpu32, wall32);
        }
    }

    private static void Row(TextWriter output, string layer, int bits, ConvMethod method, long macs, double cpu, double wall) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {layer} | {bits} | {method} | {macs / 1e9:F3} G | {cpu * 1e3:F1} | {macs / cpu / 1e9:F1} | {wall * 1e3:F1} | {macs / wall / 1e9:F1} |"));

    /// <summary>Best-of-N thread CPU time and wall time; N so that the runs add up to about 6 G MACs (at least 3).</summary>
    private static (double Cpu, double Wall) Time(long macs, Action run)
    {
        run();
        var reps = (int)Math.Clamp(6e9 / macs, 3, 200);
        double bestCpu = double.MaxValue, bestWall = double.MaxValue;
        for (var i = 0; i < reps; i++)
        {
            var cpu0 = ThreadCpuSeconds();
            var wall = Stopwatch.StartNew();
            run();
            bestWall = Math.Min(bestWall, wall.Elapsed.TotalSeconds);
            bestCpu = Math.Min(bestCpu, ThreadCpuSeconds() - cpu0);
        }

        return (bestCpu, bestWall);
    }

    private static double ThreadCpuSeconds()
    {
        if (NativeMethods.ClockGetTime(ClockThreadCpuTime, out var t) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return t.Seconds + (t.Nanoseconds * 1e-9);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int ClockGetTime(int clock, out TimeSpec time);
    }
}
