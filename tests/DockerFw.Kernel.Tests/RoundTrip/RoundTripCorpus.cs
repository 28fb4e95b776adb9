using System.Text.RegularExpressions;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.RoundTrip;

/// <summary>
/// Which corpus files the kernel round trip covers. Every file that looks like a dump is either a
/// case or listed in <see cref="KernelRejected"/> with the reason, never silently skipped.
/// </summary>
internal static partial class RoundTripCorpus
{
    /// <summary>
    /// Dump-like files this kernel refuses in their original form (checked by a test, so the list
    /// cannot go stale), relative to the corpus root.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KernelRejected = new Dictionary<string, string>
    {
        ["real-world/blog_a-unikernel-firewall-for-qubesos/iptables-save"] = "a blog excerpt: prose before the dump",
        ["real-world/config_veroneau.net/iptables-save"] = "`COMMIT ` with a trailing space",
        ["real-world/configs_ipv6_server/webserver"] = "a line holding a single space between tables",
        ["real-world/configs_ugent/iptables-save.v1.4.21"] = "the old `-d ! x` negation, gone since iptables 1.4.21",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/ip6tables-save-2016-06-27_16-29-01"] = "censored MAC addresses",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/iptables-save-2015-05-15_15-23-41"] = "censored MAC addresses",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/iptables-save-2015-09-03_15-56-50"] = "censored MAC addresses",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/iptables-save-2016-06-27_16-29-01"] = "censored MAC addresses",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/iptables_20.10.2013"] = "censored MAC addresses",
        ["real-world/configs_chair_for_Network_Architectures_and_Services/iptables_25.07.2014"] = "censored MAC addresses",
        ["real-world/expected/Iptables_Semantics/iptables-save-2015-05-15_15-23-41_cheating"] = "censored MAC addresses",
        ["real-world/configs_corny_docker/docker.txt"] = "a session log: docker version, ps and inspect around the dump",
        ["real-world/configs_corny_docker/dfwfw/fffuu.out.txt"] = "fffuu's report, not a dump",
        ["real-world/expected/Iptables_Semantics/sqrl_2015_aug_iptables-save-spoofing-protection"] = "fffuu's report, not a dump",
        ["real-world/expected/Iptables_Semantics/synology_iptables-save_jun_2015_cleanup"] = "fffuu's report, not a dump",
    };

    public static TheoryData<string> Syntax() =>
        Rows(Corpus.Files("syntax", "*.iptables-save").Concat(Corpus.Files("syntax", "*.ip6tables-save"))
            .Where(path => !Path.GetFileName(path).Contains(".invalid.", StringComparison.Ordinal)));

    public static TheoryData<string> Docker() => Rows(Corpus.Files("docker", "*.iptables-save"));

    /// <summary>Real-world files are named freely; a dump is a file with a <c>COMMIT</c> line.</summary>
    public static TheoryData<string> RealWorld() =>
        Rows(Corpus.Files("real-world", "*").Where(path => CommitLine().IsMatch(File.ReadAllText(path))));

    public static TheoryData<string, string> Rejected()
    {
        var rows = new TheoryData<string, string>();
        foreach (var (path, reason) in KernelRejected) rows.Add(path, reason);
        return rows;
    }

    private static TheoryData<string> Rows(IEnumerable<string> paths) =>
        new(paths.Select(path => Path.GetRelativePath(Corpus.PathOf(), path))
            .Where(relative => !KernelRejected.ContainsKey(relative)));

    [GeneratedRegex(@"^COMMIT\s*$", RegexOptions.Multiline)]
    private static partial Regex CommitLine();
}
