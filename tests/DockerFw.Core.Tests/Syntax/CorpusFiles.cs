using DockerFw.Core.Model.Values;
using DockerFw.Tests;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>The iptables-save dumps of the shared corpus, valid and invalid, with the family each is read as.</summary>
public static class CorpusFiles
{
    /// <summary>
    /// Real-world files that are not one iptables-save dump (ip addr/route output, nft text, notebooks,
    /// fffuu output) are left out by name; the README of real-world/ lists them as "not a single dump".
    /// </summary>
    private static readonly string[] NotDumps =
    [
        "ip-addr-", "ip-route-", "ip6-addr-", "ip6-route-", "nft-ruleset", "docker.txt", "fffuu.out.txt",
        "ipassmt_", "routingtbldocker", "README.md", "LICENSE", "i8_iptables-save", "Iptables_Semantics/sqrl_",
        "Iptables_Semantics/synology_", "blog_a-unikernel-firewall-for-qubesos",
    ];

    /// <summary>Real-world dumps that iptables-restore 1.8.9 itself rejects, with the line it stops at.</summary>
    public static readonly IReadOnlyDictionary<string, int> RejectedByRestore = new Dictionary<string, int>
    {
        ["real-world/config_veroneau.net/iptables-save"] = 269, // "COMMIT " with a trailing blank
        ["real-world/configs_ipv6_server/webserver"] = 46, // a line holding one blank: "no command specified"
    };

    public static IEnumerable<string> Valid() =>
        Corpus.Files("syntax", "*.ip*tables-save").Where(f => !f.Contains(".invalid.", StringComparison.Ordinal))
            .Concat(Corpus.Files("docker", "*.iptables-save"))
            .Concat(RealWorld().Where(f => !RejectedByRestore.ContainsKey(Relative(f))));

    public static IEnumerable<string> RealWorld() =>
        Corpus.Files("real-world", "*").Where(f => !NotDumps.Any(n => f.Replace('\\', '/').Contains(n, StringComparison.Ordinal)));

    public static IEnumerable<string> Invalid() =>
        Corpus.Files("syntax", "*.invalid.ip*tables-save");

    /// <summary>The family from the name (ip6tables-save files, or real-world ip6 dumps) when the header may be missing.</summary>
    public static IpFamily FamilyOf(string path)
    {
        var name = Path.GetFileName(path);
        return name.Contains("ip6tables", StringComparison.Ordinal) || name == "webserver" ? IpFamily.V6 : IpFamily.V4;
    }

    public static string Relative(string path) => Path.GetRelativePath(Corpus.PathOf(), path).Replace('\\', '/');

    public static TheoryData<string> AsTheory(IEnumerable<string> files)
    {
        var data = new TheoryData<string>();
        foreach (var f in files) data.Add(Relative(f));
        return data;
    }
}
