using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// A host the oracle's lab kept for the plan (Remediation/Fixtures/NAME: iptables-save, Docker's JSON,
/// oracle.policy, the host's ipsets when it had some), read as <c>dockerfw plan</c> reads it, and the
/// policy findings of a ruleset on it.
/// </summary>
internal sealed record PolicyFixture(Ruleset Host, DockerView View, ResolvedPolicy Policy)
{
    /// <param name="withIpSets">False: as if the sets were not read (offline, without --ipsets).</param>
    public static PolicyFixture Read(string name, bool withIpSets = true)
    {
        var folder = Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Core.Tests", "Remediation", "Fixtures", name);
        string Text(string file) => File.ReadAllText(Path.Combine(folder, file));
        var view = DockerInspectReader.Read(Text("docker-networks.json"), "docker-networks.json").Value!
            .Merge(DockerInspectReader.Read(Text("docker-containers.json"), "docker-containers.json").Value!);
        var policy = PolicyResolver.Resolve(PolicyReader.Read(Text("oracle.policy"), "oracle.policy").Value!, view).Value!;
        if (withIpSets && File.Exists(Path.Combine(folder, "ipset.save")))
            policy = policy with { IpSets = Core.Semantics.IpSets.IpsetSaveReader.Read(Text("ipset.save"), "ipset.save").Value!.Members };
        return new PolicyFixture(AuditFixture.Read(Text("iptables-save"), "iptables-save"), view, policy);
    }

    public List<Finding> Findings(Ruleset rules) =>
        [.. Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), View, HostSettings.Unknown) { Policy = Policy }, [new PolicyCheck()]).Findings];
}
