using System.Globalization;
using System.Runtime.InteropServices;

namespace DockerFw.Cli.Input;

/// <summary>
/// Asks Linux to back the garbage collector's heap with transparent huge pages (2 MB) where the
/// machine leaves that to the program (<c>/sys/kernel/mm/transparent_hugepage/enabled</c> set to
/// <c>madvise</c>, Debian's default).
/// </summary>
/// <remarks>
/// fmt of 100,000 rules touches 80-190 MB of fresh heap, and each 4 KB page was a fault to the kernel:
/// 31,000-51,000 faults, a fifth to a quarter of its CPU on a virtual machine (docs/performance.md,
/// "Reader on every shape"). With 2 MB pages they are a few hundred. The heap is the run of adjacent
/// anonymous mappings around a freshly allocated object: the collector reserves its whole range at
/// start and commits regions of it, each its own mapping. The peak grows by less than one huge page
/// per region being filled.
/// </remarks>
internal static partial class HugePages
{
    /// <summary>Set to 0, the heap keeps the kernel's ordinary 4 KB pages (to compare, or where huge pages misbehave).</summary>
    internal const string Switch = "DOCKERFW_HUGE_PAGES";

    // MADV_HUGEPAGE (asm-generic/mman-common.h).
    private const int MadviseHugePage = 14;

    /// <summary>Advises the heap's reserved range; false where that is not possible (nothing changes then).</summary>
    public static bool AdviseHeap()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Switch) == "0") return false;
        var probe = new byte[64];
        var handle = GCHandle.Alloc(probe, GCHandleType.Pinned);
        try
        {
            var address = (ulong)handle.AddrOfPinnedObject();
            if (HeapRange(address) is not { } range) return false;
            return madvise((nint)range.Start, (nuint)(range.End - range.Start), MadviseHugePage) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>The run of adjacent anonymous mappings that holds <paramref name="address"/>.</summary>
    private static (ulong Start, ulong End)? HeapRange(ulong address)
    {
        var maps = new List<(ulong Start, ulong End, bool Anonymous)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash < 0 || space < dash) continue;
            var start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            maps.Add((start, end, fields.Length < 6 || fields[5].Length == 0));
        }

        var at = maps.FindIndex(m => m.Start <= address && address < m.End);
        if (at < 0 || !maps[at].Anonymous) return null;
        var first = at;
        while (first > 0 && maps[first - 1].Anonymous && maps[first - 1].End == maps[first].Start) first--;
        var last = at;
        while (last + 1 < maps.Count && maps[last + 1].Anonymous && maps[last + 1].Start == maps[last].End) last++;
        return (maps[first].Start, maps[last].End);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);
}
