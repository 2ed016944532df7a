using System.Globalization;
using System.Runtime.InteropServices;

namespace Mpc.Runtime.Memory;

/// <summary>
/// Asks Linux to back the GC heap with transparent huge pages (2 MiB) where the system allows it
/// (<c>/sys/kernel/mm/transparent_hugepage/enabled</c> is <c>madvise</c> or <c>always</c>).
/// </summary>
/// <remarks>
/// <para>Why: a party touches about 1.1 GB of fresh memory in its first prediction of the full-width
/// VGG16, and on this project's VMs a first touch costs about 3.5 ms per MiB with 4 KiB pages and
/// half that with huge pages (docs/BENCHMARKS.md, "page faults"); huge pages also cut TLB misses of
/// the large share arrays.</para>
/// <para>How: the GC reserves one large address range at start-up and commits regions of it as the
/// heap grows (with <c>mprotect</c>, which keeps a VMA's advice). <see cref="AdviseGcHeap"/> finds the
/// largest inaccessible anonymous mapping in <c>/proc/self/maps</c>, which is that reservation, and
/// calls <c>madvise(MADV_HUGEPAGE)</c> on it and on the committed mappings next to it. Nothing is
/// read or written; if anything fails the process goes on with normal pages. No secret is involved.</para>
/// </remarks>
public static partial class HugePages
{
    private const int MadvHugepage = 14;
    private const long MinReservation = 4L << 30;

    /// <summary>Advises the GC's reservation; returns the bytes advised (0 where not applicable).</summary>
    public static long AdviseGcHeap()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || !Enabled())
        {
            return 0;
        }

        try
        {
            var mappings = ReadMappings();
            var reservation = mappings.Where(m => m.Anonymous && m.Inaccessible).MaxBy(m => m.End - m.Start);
            if (reservation.End - reservation.Start < MinReservation)
            {
                return 0;
            }

            // The committed regions the GC carved out of the reservation's start are separate mappings
            // just below it; extend the range over the contiguous anonymous mappings around it.
            var anonymous = mappings.Where(m => m.Anonymous).ToList();
            var (start, end) = (reservation.Start, reservation.End);
            while (anonymous.FirstOrDefault(m => m.End == start) is { End: > 0 } below)
            {
                start = below.Start;
            }

            while (anonymous.FirstOrDefault(m => m.Start == end) is { End: > 0 } above)
            {
                end = above.End;
            }

            return Madvise((nint)start, (nuint)(end - start), MadvHugepage) == 0 ? end - start : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static bool Enabled()
    {
        try
        {
            var mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            return mode.Contains("[madvise]", StringComparison.Ordinal) || mode.Contains("[always]", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<Mapping> ReadMappings()
    {
        var mappings = new List<Mapping>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            // start-end perms offset dev inode [path]
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var range = fields[0].Split('-');
            var start = long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var anonymous = fields.Length < 6 && fields[4] == "0";
            mappings.Add(new Mapping(start, end, fields[1].StartsWith("---", StringComparison.Ordinal), anonymous));
        }

        return mappings;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);

    private readonly record struct Mapping(long Start, long End, bool Inaccessible, bool Anonymous);
}
