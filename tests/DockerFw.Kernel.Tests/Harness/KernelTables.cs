using DockerFw.Core.Model.Values;

namespace DockerFw.Kernel.Tests.Harness;

/// <summary>Loads dumps into a namespace and reads them back, with the back end the dump names.</summary>
internal static class KernelTables
{
    /// <summary>
    /// Creates every set the dump matches on (as hash:net of its family, enough for the kernel to
    /// accept the rule), then restores. The result says whether the kernel accepted the text.
    /// </summary>
    public static ProcessResult Restore(Netns netns, Dump dump)
    {
        var family = dump.Family == IpFamily.V6 ? "inet6" : "inet";
        foreach (var set in dump.Sets)
            netns.Exec("ipset", "-exist", "create", set, "hash:net", "family", family).EnsureOk();
        return dump.HasCounters
            ? netns.ExecWithInput(dump.Text, dump.RestoreCommand, "--counters")
            : netns.ExecWithInput(dump.Text, dump.RestoreCommand);
    }

    /// <summary><c>iptables-save -c</c> with the dump's back end and family.</summary>
    public static string Save(Netns netns, Dump dump) =>
        netns.Exec(dump.SaveCommand, "--counters").EnsureOk().Out;
}
