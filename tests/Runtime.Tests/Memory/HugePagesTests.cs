using System.Globalization;
using Mpc.Runtime.Memory;
using Xunit;

namespace Mpc.Runtime.Tests.Memory;

public sealed class HugePagesTests
{
    /// <summary>
    /// Where the kernel offers transparent huge pages on request, the GC's reservation is advised and
    /// a large array touched afterwards is (at least partly) backed by huge pages; elsewhere nothing
    /// is advised.
    /// </summary>
    [Fact]
    public void TheGcHeapIsBackedByHugePagesWhereTheSystemOffersThem()
    {
        var mode = OperatingSystem.IsLinux() && File.Exists("/sys/kernel/mm/transparent_hugepage/enabled")
            ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled")
            : "";
        var offered = mode.Contains("[madvise]", StringComparison.Ordinal) || mode.Contains("[always]", StringComparison.Ordinal);

        var advised = HugePages.AdviseGcHeap();
        if (!offered)
        {
            Assert.Equal(0, advised);
            return;
        }

        Assert.True(advised >= 4L << 30, $"advised {advised} bytes");
        var before = AnonHugePagesKb();
        var array = GC.AllocateUninitializedArray<byte>(256 << 20);
        for (var i = 0; i < array.Length; i += 4096)
        {
            array[i] = 1;
        }

        var after = AnonHugePagesKb();
        GC.KeepAlive(array);
        Assert.True(after - before >= 64 * 1024, $"AnonHugePages grew by {after - before} kB for a 256 MiB array");
    }

    private static long AnonHugePagesKb()
    {
        var line = File.ReadLines("/proc/self/smaps_rollup").First(l => l.StartsWith("AnonHugePages:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
