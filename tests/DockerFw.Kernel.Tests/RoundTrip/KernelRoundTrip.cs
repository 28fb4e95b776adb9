using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.RoundTrip;

/// <summary>
/// The kernel judges the writer: the original dump restored into one fresh namespace and dockerfw's
/// rendering of it restored into another must save back the same tables, counters included.
/// </summary>
internal static class KernelRoundTrip
{
    public static void Check(string relativePath)
    {
        var original = Dump.Load(Corpus.PathOf(relativePath));
        var read = IptablesSaveReader.Read(original.Text, relativePath, original.Family);
        Assert.True(read.Succeeded, $"{relativePath}: the reader refused it:\n{string.Join('\n', read.Errors)}");
        var rendered = original.WithText(IptablesSaveWriter.Write(read.Value!, includeCounters: original.HasCounters));

        var (fromOriginal, fromRendered) = (Restored(original, "the original"), Restored(rendered, "dockerfw's output"));

        Assert.Equal(fromOriginal, fromRendered);
    }

    /// <summary>The original must also pass here: a dump the kernel rejects belongs in KernelRejected.</summary>
    private static string Restored(Dump dump, string what)
    {
        using var netns = Netns.Create();
        var restore = KernelTables.Restore(netns, dump);
        Assert.True(restore.Ok,
            $"{dump.FileName}: {dump.RestoreCommand} refused {what} (exit {restore.ExitCode}): {restore.Error.Trim()}" +
            (what == "the original" ? "\nIf this kernel cannot load the file, list it in RoundTripCorpus.KernelRejected with the reason." : $"\n--- {what} ---\n{dump.Text}"));
        return SavedTables.Normalize(KernelTables.Save(netns, dump));
    }
}
