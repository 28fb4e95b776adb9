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

        Assert.True(HugePages.AdviseHeap(), "the heap's range was not found or not advised");

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
