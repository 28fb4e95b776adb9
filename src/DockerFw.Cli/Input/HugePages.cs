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

    private const ulong HugePage = 2 << 20;

    // The collector reserves its whole range at start (tens to hundreds of GB); a thread's stack or a
    // malloc arena is far smaller. Only inside such a reservation is memory committed ahead (CommitAhead).
    private const ulong CollectorReservation = 1UL << 30;

    // asm-generic/mman-common.h
    private const int MadviseHugePage = 14;
    private const int MadviseDoDump = 17;
    private const int MadviseCollapse = 25;
    private const int ReadWrite = 3; // PROT_READ | PROT_WRITE

    /// <summary>
    /// Advises the heap's reserved range, then makes the 2 MB blocks where small and large objects are
    /// allocated next huge pages (<see cref="CommitAhead"/>); false where the range is not found or not
    /// advised (nothing changes then).
    /// </summary>
    /// <param name="collapse">Whether the block being filled becomes a huge page now (MADV_COLLAPSE, <see cref="CommitAhead"/>):
    /// only where the input is small (<see cref="CollapsePays"/>).</param>
    public static bool AdviseHeap(bool collapse = true) => advised ??= Advise(collapse);

    /// <summary>
    /// Inputs up to this size have the heap's first blocks made huge pages at once. MADV_COLLAPSE saves fmt of the
    /// real-world corpus (130 KB) about 0.3 ms of 6 (the first block's 4 KB faults), but the kernel may compact memory
    /// first: on a loaded machine it took 7-63 ms in one run of five, and a 100,000-rule dump, whose run is a hundred
    /// times longer, gains nothing measurable from it (docs/performance.md, "Reader on every shape": fmt10).
    /// </summary>
    internal const long CollapseLimit = 1 << 20;

    /// <summary>
    /// Whether the run of <c>fmt</c> with these words reads no file larger than <see cref="CollapseLimit"/>: the words
    /// that name a file (a value of an option is rarely one, and then only decides this) are looked at before the command
    /// line is parsed, as the heap is advised before anything else is allocated. Standard input and live rules count as small.
    /// </summary>
    public static bool CollapsePays(IEnumerable<string> words)
    {
        foreach (var word in words)
        {
            try
            {
                if (word.Length > 0 && word[0] != '-' && new FileInfo(word) is { Exists: true, Length: > CollapseLimit }) return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // Not a file name: it decides nothing.
            }
        }

        return true;
    }

    // Once per process: Program.Main advises at the start of `dockerfw fmt`, fmt itself again for a run it did not
    // recognise (`docker fw fmt`, after docker's global options), where the second call finds the first's answer.
    private static bool? advised;

    /// <summary>
    /// Advises the heap as it is now, whatever an earlier call did: the collector's decommits map its
    /// memory anew (without the advice), so a test in a process that has run fmt before asks again.
    /// </summary>
    internal static bool Advise(bool collapse = true)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Switch) == "0") return false;
        try
        {
            var maps = Mappings();
            var small = new byte[64];
            // Uninitialized: a large array's memory is otherwise cleared, 4 KB page by 4 KB page, before the block is prepared.
            var large = GC.AllocateUninitializedArray<byte>(100_000, pinned: false);
            var address = AddressOf(small);
            if (HeapRange(maps, address) is not { } range) return false;
            if (madvise((nint)range.Start, (nuint)(range.End - range.Start), MadviseHugePage) != 0) return false;
            CommitAhead(maps, address, collapse);
            CommitAhead(maps, AddressOf(large), collapse);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The collector commits its memory a little at a time (64 KB) as it allocates, so the 2 MB block it
    /// is filling never lies whole in one read-write mapping when a page of it is first touched, and the
    /// kernel gives it 4 KB pages: 512 faults a block, each 12-25 µs on a virtual machine, a quarter of the
    /// CPU of `fmt` of a small dump (docs/performance.md, "Start-up"). This commits the rest of the block
    /// holding <paramref name="address"/> and of the block after it ahead of the collector (read-write, as
    /// the collector commits: still zero, so the collector's own commit later finds what it expects) and
    /// has the kernel turn the first block's pages into one huge page (MADV_COLLAPSE, Linux 6.1); the
    /// second gets one at its first touch. Only inside the collector's reservation; any refusal leaves
    /// things as they were. Without <paramref name="collapse"/> the first block keeps its 4 KB pages.
    /// </summary>
    private static void CommitAhead(List<Mapping> maps, ulong address, bool collapse)
    {
        if (Ahead(maps, address) is not { } ahead) return;
        if (ahead.CommitFrom < ahead.End)
        {
            if (mprotect((nint)ahead.CommitFrom, (nuint)(ahead.End - ahead.CommitFrom), ReadWrite) != 0) return;
            // As the collector marks what it commits: the mapping stays one, which a huge page needs.
            madvise((nint)ahead.CommitFrom, (nuint)(ahead.End - ahead.CommitFrom), MadviseDoDump);
        }

        if (collapse) madvise((nint)ahead.Block, (nuint)HugePage, MadviseCollapse);
    }

    /// <summary>
    /// The block holding <paramref name="address"/>, and what to commit so that it and the next block lie
    /// in one read-write mapping: nothing when they already do; else the rest, when it lies in the
    /// inaccessible mapping right after the address's own (a region's reserved rest) and the run of
    /// anonymous mappings around it is the collector's reservation (at least a GB: no thread's stack or
    /// malloc arena is); null when the address is not in the heap as the collector lays it out.
    /// </summary>
    internal static (ulong Block, ulong CommitFrom, ulong End)? Ahead(IReadOnlyList<Mapping> maps, ulong address)
    {
        var block = address & ~(HugePage - 1);
        var end = block + 2 * HugePage;
        var at = -1;
        for (var i = 0; i < maps.Count && at < 0; i++)
            if (maps[i].Start <= address && address < maps[i].End) at = i;
        if (at < 0 || !maps[at].Anonymous || !maps[at].ReadWrite || maps[at].Start > block) return null;
        if (maps[at].End >= end) return (block, end, end);
        if (at + 1 >= maps.Count) return null;
        var reserved = maps[at + 1];
        if (reserved.Start != maps[at].End || !reserved.Anonymous || !reserved.Inaccessible || reserved.End < end) return null;
        if (HeapRange(maps, address) is not { } run || run.End - run.Start < CollectorReservation) return null;
        return (block, maps[at].End, end);
    }

    private static ulong AddressOf(byte[] array)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (ulong)handle.AddrOfPinnedObject();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>One line of /proc/self/maps: the range, whether it is anonymous (no file), read-write or inaccessible (---).</summary>
    internal readonly record struct Mapping(ulong Start, ulong End, bool Anonymous, bool ReadWrite, bool Inaccessible);

    private static List<Mapping> Mappings()
    {
        // Read whole and cut in place: a reader and a split per line were a quarter of this call in fmt of a small dump.
        var text = File.ReadAllText("/proc/self/maps");
        var maps = new List<Mapping>();
        for (var at = 0; at < text.Length;)
        {
            var end = text.IndexOf('\n', at);
            if (end < 0) end = text.Length;
            if (Parse(text.AsSpan(at, end - at)) is { } mapping) maps.Add(mapping);
            at = end + 1;
        }

        return maps;
    }

    /// <summary>One line of /proc/self/maps: "START-END PERMS OFFSET DEV INODE [PATH]"; null when it is not one.</summary>
    internal static Mapping? Parse(ReadOnlySpan<char> line)
    {
        var dash = line.IndexOf('-');
        var space = line.IndexOf(' ');
        if (dash < 0 || space < dash) return null;
        if (!ulong.TryParse(line[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
            || !ulong.TryParse(line[(dash + 1)..space], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)) return null;
        var rest = line[(space + 1)..].TrimStart(' ');
        var cut = rest.IndexOf(' ');
        var permissions = cut < 0 ? rest : rest[..cut];
        // The path is what follows the fourth field after the range (perms, offset, dev, inode): none for anonymous memory.
        for (var field = 0; field < 4 && !rest.IsEmpty; field++)
        {
            var next = rest.IndexOf(' ');
            rest = next < 0 ? [] : rest[(next + 1)..].TrimStart(' ');
        }

        return new Mapping(start, end, rest.IsEmpty,
            permissions.StartsWith("rw", StringComparison.Ordinal), permissions.StartsWith("---", StringComparison.Ordinal));
    }

    /// <summary>The run of adjacent anonymous mappings that holds <paramref name="address"/>.</summary>
    private static (ulong Start, ulong End)? HeapRange(IReadOnlyList<Mapping> maps, ulong address)
    {
        var at = -1;
        for (var i = 0; i < maps.Count && at < 0; i++)
            if (maps[i].Start <= address && address < maps[i].End) at = i;
        if (at < 0 || !maps[at].Anonymous) return null;
        var first = at;
        while (first > 0 && maps[first - 1].Anonymous && maps[first - 1].End == maps[first].Start) first--;
        var last = at;
        while (last + 1 < maps.Count && maps[last + 1].Anonymous && maps[last + 1].Start == maps[last].End) last++;
        return (maps[first].Start, maps[last].End);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(nint address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);
}
