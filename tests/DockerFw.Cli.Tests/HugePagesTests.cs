using System.Globalization;
using System.Runtime.InteropServices;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Tests;

/// <summary>fmt asks for huge pages on the collector's heap (HugePages): the kernel must have marked it.</summary>
public sealed class HugePagesTests
{
    [Fact]
    public void After_advising_the_heap_the_mapping_of_a_new_object_is_marked_for_huge_pages()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/smaps")) return;

        // Not the once-per-process AdviseHeap: an fmt test in this process may have advised a heap the
        // collector has since decommitted and mapped again without the advice.
        Assert.True(HugePages.Advise(), "the heap's range was not found or not advised");

        var probe = new byte[64];
        var handle = GCHandle.Alloc(probe, GCHandleType.Pinned);
        try
        {
            // smaps lists each mapping's flags; "hg" is MADV_HUGEPAGE.
            Assert.Contains("hg", FlagsOfMapping((ulong)handle.AddrOfPinnedObject()).Split(' '));
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void The_blocks_being_filled_become_huge_pages_at_once_only_when_no_input_file_is_larger_than_a_megabyte()
    {
        var small = Path.GetTempFileName();
        var large = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(small, new byte[1000]);
            File.WriteAllBytes(large, new byte[HugePages.CollapseLimit + 1]);
            Assert.True(HugePages.CollapsePays(["--family", "4", small]));
            Assert.False(HugePages.CollapsePays(["--family", "4", large]));
            // The live rules, standard input, a missing file and a word no file can be named by are small.
            Assert.True(HugePages.CollapsePays([]));
            Assert.True(HugePages.CollapsePays(["-", "--strict", "no such file", "a\0b"]));
        }
        finally
        {
            File.Delete(small);
            File.Delete(large);
        }
    }

    [Theory]
    [InlineData("7f3c1a000000-7f3c1a400000 rw-p 00000000 00:00 0", 0x7f3c1a000000, 0x7f3c1a400000, true, true, false)]
    [InlineData("7f3c1a400000-7f7c1a000000 ---p 00000000 00:00 0", 0x7f3c1a400000, 0x7f7c1a000000, true, false, true)]
    [InlineData("55d0c8a00000-55d0c8a21000 rw-p 00000000 00:00 0                          [heap]", 0x55d0c8a00000, 0x55d0c8a21000, false, true, false)]
    [InlineData("7f3c19e00000-7f3c19e28000 r--p 00000000 fe:01 1836163                    /usr/lib/x86_64-linux-gnu/libc.so.6", 0x7f3c19e00000, 0x7f3c19e28000, false, false, false)]
    public void A_line_of_the_process_maps_gives_the_range_and_whether_it_is_anonymous_read_write_or_inaccessible(
        string line, ulong start, ulong end, bool anonymous, bool readWrite, bool inaccessible)
    {
        Assert.Equal(new HugePages.Mapping(start, end, anonymous, readWrite, inaccessible), HugePages.Parse(line));
    }

    [Fact]
    public void A_line_that_is_no_mapping_is_skipped()
    {
        Assert.Null(HugePages.Parse("not a mapping"));
    }

    private const ulong MB = 1 << 20;
    private const ulong GB = 1 << 30;

    // A region of the collector: committed (read-write) from a 4 MB boundary, the rest of its reservation after it.
    private static readonly HugePages.Mapping Committed = new(0x7f00_0000_0000, 0x7f00_0000_0000 + 3 * MB / 4, Anonymous: true, ReadWrite: true, Inaccessible: false);
    private static readonly HugePages.Mapping Reservation = new(Committed.End, Committed.End + 50 * GB, Anonymous: true, ReadWrite: false, Inaccessible: true);

    [Fact]
    public void The_block_being_filled_and_the_next_are_committed_ahead_inside_the_collectors_reservation()
    {
        var ahead = HugePages.Ahead([Committed, Reservation], Committed.Start + 100);

        Assert.Equal((Committed.Start, Committed.End, Committed.Start + 4 * MB), ahead);
    }

    [Fact]
    public void The_reserved_rest_of_a_region_before_the_next_committed_region_is_committed_ahead()
    {
        // The large objects' region, say, with the small objects' region 4 MB after it.
        var rest = Reservation with { End = Committed.Start + 4 * MB };
        var next = Committed with { Start = rest.End, End = rest.End + MB };
        var beyond = Reservation with { Start = next.End };

        Assert.Equal((Committed.Start, Committed.End, Committed.Start + 4 * MB), HugePages.Ahead([Committed, rest, next, beyond], Committed.Start + 100));
    }

    [Fact]
    public void Nothing_is_committed_outside_a_reservation_of_the_collectors_size()
    {
        var arena = Reservation with { End = Committed.Start + 64 * MB };

        Assert.Null(HugePages.Ahead([Committed, arena], Committed.Start + 100));
    }

    [Fact]
    public void Blocks_already_committed_are_only_collapsed()
    {
        var whole = Committed with { End = Committed.Start + 8 * MB };

        Assert.Equal((whole.Start + 2 * MB, whole.Start + 6 * MB, whole.Start + 6 * MB), HugePages.Ahead([whole, Reservation with { Start = whole.End }], whole.Start + 3 * MB));
    }

    [Fact]
    public void Nothing_is_committed_past_a_small_inaccessible_mapping_such_as_a_stacks_guard_page()
    {
        var guard = Reservation with { End = Reservation.Start + 4096 };
        var stack = new HugePages.Mapping(guard.End, guard.End + 8 * MB, Anonymous: true, ReadWrite: true, Inaccessible: false);

        Assert.Null(HugePages.Ahead([Committed, guard, stack], Committed.Start + 100));
    }

    [Fact]
    public void Nothing_is_committed_when_the_block_starts_before_the_mapping_or_the_mapping_is_a_file_or_read_only()
    {
        var midBlock = Committed with { Start = Committed.Start + 4096 };

        Assert.Null(HugePages.Ahead([midBlock, Reservation], midBlock.Start + 100));
        Assert.Null(HugePages.Ahead([Committed with { Anonymous = false }, Reservation], Committed.Start + 100));
        Assert.Null(HugePages.Ahead([Committed with { ReadWrite = false }, Reservation], Committed.Start + 100));
        Assert.Null(HugePages.Ahead([Committed, Reservation with { Anonymous = false }], Committed.Start + 100));
        Assert.Null(HugePages.Ahead([Committed], Committed.Start + 100));
    }

    private static string FlagsOfMapping(ulong address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end))
                inside = start <= address && address < end;
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line["VmFlags:".Length..].Trim();
        }

        return "";
    }
}
