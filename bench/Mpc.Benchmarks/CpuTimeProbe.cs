using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        const long PeakSteps = 50_000_000;
        var peakMacs = PeakSteps * 8 * Vector512<ulong>.Count;
        var (peakCpu, peakWall) = Time(peakMacs, () => Peak(PeakSteps));
        Row(output, "peak: 8 independent vpmullq+vpaddq", 64, "-", peakMacs, peakCpu, peakWall);
        MatMulRows(output, 1, 18432, 2);
        MatMulRows(output, 512, 512, 512);
        foreach (var layer in SkinModel.Layers)
        {
            var g = SkinModel.Geometry(layer);
            var input = SkinModel.Random<ulong>(g.InputLength, 1);
            var output64 = new ulong[g.OutputLength];
            var filter = RingLinear.PackFilter<ulong>(SkinModel.Random<ulong>(g.FilterLength, 2), g);
            foreach (var method in new[] { ConvMethod.Direct, ConvMethod.Im2Col })
            {
                var (cpu, wall) = Time(g.Macs, () => RingLinear.Conv2D(input, filter, output64, g, accumulate: false, method));
                Row(output, layer, 64, method.ToString(), g.Macs, cpu, wall);
            }

            var input32 = SkinModel.Random<uint>(g.InputLength, 3);
            var output32 = new uint[g.OutputLength];
            var filter32 = RingLinear.PackFilter<uint>(SkinModel.Random<uint>(g.FilterLength, 4), g);
            var (cpu32, wall32) = Time(g.Macs, () => RingLinear.Conv2D(input32, filter32, output32, g));
            Row(output, layer, 32, nameof(ConvMethod.Direct), g.Macs, cpu32, wall32);
        }
    }

    /// <summary>
    /// <c>--cpu-time-ab</c>: Direct and Im2Col called alternately (so that both see the same
    /// machine), 10 pairs after a warm-up, each call timed by thread CPU time; best and mean.
    /// </summary>
    public static void RunInterleaved(TextWriter output)
    {
        const int Pairs = 10;
        output.WriteLine("| Layer | Direct best / mean GMAC/s | Im2Col best / mean GMAC/s |");
        output.WriteLine("|---|---:|---:|");
        foreach (var layer in SkinModel.Layers)
        {
            var g = SkinModel.Geometry(layer);
            var input = SkinModel.Random<ulong>(g.InputLength, 1);
            var result = new ulong[g.OutputLength];
            var filter = RingLinear.PackFilter<ulong>(SkinModel.Random<ulong>(g.FilterLength, 2), g);
            Action direct = () => RingLinear.Conv2D(input, filter, result, g, accumulate: false, ConvMethod.Direct);
            Action im2col = () => RingLinear.Conv2D(input, filter, result, g, accumulate: false, ConvMethod.Im2Col);
            var warmup = Stopwatch.StartNew();
            while (warmup.ElapsedMilliseconds < 600)
            {
                direct();
                im2col();
            }

            double bestDirect = double.MaxValue, bestIm2Col = double.MaxValue, sumDirect = 0, sumIm2Col = 0;
            for (var i = 0; i < Pairs; i++)
            {
                var t = CpuSeconds(direct);
                (bestDirect, sumDirect) = (Math.Min(bestDirect, t), sumDirect + t);
                t = CpuSeconds(im2col);
                (bestIm2Col, sumIm2Col) = (Math.Min(bestIm2Col, t), sumIm2Col + t);
            }

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {layer} | {g.Macs / bestDirect / 1e9:F1} / {g.Macs / (sumDirect / Pairs) / 1e9:F1} | {g.Macs / bestIm2Col / 1e9:F1} / {g.Macs / (sumIm2Col / Pairs) / 1e9:F1} |"));
        }
    }

    private static double CpuSeconds(Action run)
    {
        var t0 = ThreadCpuSeconds();
        run();
        return ThreadCpuSeconds() - t0;
    }

    private static void MatMulRows(TextWriter output, int m, int k, int n)
    {
        var a = SkinModel.Random<ulong>(m * k, 1);
        var b = RingLinear.Pack<ulong>(SkinModel.Random<ulong>(k * n, 2), k, n);
        var c = new ulong[m * n];
        var macs = (long)m * k * n;
        var (cpu, wall) = Time(macs, () => RingLinear.MatMul(a, b, c, m));
        Row(output, FormattableString.Invariant($"matmul {m}x{k}x{n}"), 64, "-", macs, cpu, wall);
    }

    /// <summary>What one core can do at best: 8 independent multiply-add chains of Vector512&lt;ulong&gt;, nothing else.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Peak(long steps)
    {
        var b = Vector512.Create(3UL);
        Vector512<ulong> a0 = b + Vector512<ulong>.One, a1 = a0 + b, a2 = a1 + b, a3 = a2 + b, a4 = a3 + b, a5 = a4 + b, a6 = a5 + b, a7 = a6 + b;
        Vector512<ulong> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (var i = 0L; i < steps; i++)
        {
            b += a7; // keeps the products from being hoisted out of the loop
            c0 += a0 * b;
            c1 += a1 * b;
            c2 += a2 * b;
            c3 += a3 * b;
            c4 += a4 * b;
            c5 += a5 * b;
            c6 += a6 * b;
            c7 += a7 * b;
        }

        return (c0 ^ c1 ^ c2 ^ c3 ^ c4 ^ c5 ^ c6 ^ c7).ToScalar();
    }

    private static void Row(TextWriter output, string layer, int bits, string method, long macs, double cpu, double wall) =>
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {layer} | {bits} | {method} | {macs / 1e9:F3} G | {cpu * 1e3:F1} | {macs / cpu / 1e9:F1} | {wall * 1e3:F1} | {macs / wall / 1e9:F1} |"));

    /// <summary>Best-of-N thread CPU time and wall time after a warm-up; N so that the runs add up to about 6 G MACs (3 to 200).</summary>
    private static (double Cpu, double Wall) Time(long macs, Action run) => Time(macs, () =>
    {
        run();
        return 0UL;
    });

    private static (double Cpu, double Wall) Time(long macs, Func<ulong> run)
    {
        // Warm up long enough for tiered compilation to promote the kernels (30 calls, then a 100 ms delay).
        var warmup = Stopwatch.StartNew();
        for (var calls = 0; calls < 50 || warmup.ElapsedMilliseconds < 500; calls++)
        {
            run();
        }

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
