using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// A rule's counters, <c>[P:B]</c> before it or <c>-c P B</c> in it, as iptables-legacy-restore --counters
/// reads them (strtok, then sscanf "%llu"; the fourth acceptance seed found <c>[0:0:0]</c> and <c>[-1:0]</c>
/// refused). Each dump is loaded into a namespace of our own: dockerfw accepts it exactly when the kernel
/// does, and holds the counters the kernel's save prints back.
/// </summary>
public sealed class KernelRuleCounters
{
    public static TheoryData<string> Counters => new()
    {
        "[0:0:0] -A INPUT -j ACCEPT",
        "[-1:0] -A INPUT -j ACCEPT",
        "[5x:7y] -A INPUT -j ACCEPT",
        "[ 3: 4] -A INPUT -j ACCEPT",
        "[:1:2] -A INPUT -j ACCEPT",
        "[1:] -A INPUT -j ACCEPT",
        "[1::2] -A INPUT -j ACCEPT",
        "[1,2] -A INPUT -j ACCEPT",
        "[x:2] -A INPUT -j ACCEPT",
        "-A INPUT -c -1 0 -j ACCEPT",
        "-A INPUT -c 5x 7 -j ACCEPT",
        "-A INPUT -c 0x10 1 -j ACCEPT",
        "-A INPUT -c x 1 -j ACCEPT",
    };

    [KernelTheory]
    [MemberData(nameof(Counters))]
    public void Dockerfw_reads_a_rules_counters_as_legacy_restore_does(string rule)
    {
        if (LegacyRestore.Agree($"*filter\n:INPUT ACCEPT [0:0]\n{rule}\nCOMMIT\n", counters: true) is not (var ours, var saved)) return;
        var read = ours.Rules.Single();
        Assert.Equal(saved.Single(), $"[{read.Counters!.Packets}:{read.Counters.Bytes}] {IptablesSaveWriter.FormatRule(read)}");
    }
}
