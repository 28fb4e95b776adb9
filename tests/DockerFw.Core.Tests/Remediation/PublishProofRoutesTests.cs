using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Routing;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Remediation;

/// <summary>
/// The plan's proof of a <c>publish</c> restriction judges with the host's routes and rp_filter, as
/// <c>audit --policy</c> does: a client a strict reverse-path filter drops on an interface (its route
/// back leaves by another) never arrives there, so it is nobody the rule is about on that interface,
/// in both. Proved without them, a plan was refused (or accepted) where the audit straight after
/// judged otherwise.
/// </summary>
public sealed class PublishProofRoutesTests
{
    private static readonly Ruleset LabHost = IptablesSaveReader.Read(
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    // A native table beside iptables' drops web's port (tcp/80 after Docker's DNAT) in on eth0.
    private const string Guard = """
        {"nftables": [{"table": {"family": "inet", "name": "guard", "handle": 1}},
         {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 1, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
         {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}}]}
        """;

    // ip -j route show table all: the default route via eth0; 192.0.2.0/24, the policy's clients, via eth1.
    private const string Routes = """
        [{"dst":"default","gateway":"203.0.113.1","dev":"eth0","protocol":"static","flags":[]},
         {"dst":"203.0.113.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"203.0.113.5","flags":[]},
         {"dst":"192.0.2.0/24","gateway":"10.8.0.1","dev":"eth1","protocol":"static","flags":[]},
         {"dst":"10.8.0.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"10.8.0.5","flags":[]},
         {"type":"local","dst":"203.0.113.5","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"203.0.113.5","flags":[]},
         {"type":"local","dst":"10.8.0.5","dev":"eth1","table":"local","protocol":"kernel","scope":"host","prefsrc":"10.8.0.5","flags":[]},
         {"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}]
        """;

    // Strict on eth0: 192.0.2.0/24, routed via eth1, is dropped on arrival there.
    private static readonly HostSettings StrictOnEth0 = HostSettings.Unknown
        .With("net.ipv4.conf.all.rp_filter", "0").With("net.ipv4.conf.eth0.rp_filter", "1");

    private const string Policy = "publish web tcp/8080 from 192.0.2.0/24";

    [Fact]
    public void A_drop_on_an_interface_the_allowed_clients_never_arrive_on_does_not_refuse_the_plan()
    {
        var unwritten = UnwrittenTables.Of(Host());

        // Without the routes and rp_filter the allowed clients were asked in on eth0 too, where the guard drops them.
        var old = PolicyPlanner.Plan(LabHost, Resolve() with { Unwritten = unwritten });
        var routed = PolicyPlanner.Plan(LabHost, Resolve() with { Unwritten = unwritten, Routes = ReadRoutes(), Settings = StrictOnEth0 });

        Assert.Null(old.Value);
        Assert.Contains("from 192.0.2.0-192.0.2.255 via eth0 does not reach 'web'", Assert.Single(old.Diagnostics).Message, StringComparison.Ordinal);
        Assert.NotNull(routed.Value);
        Assert.Empty(routed.Diagnostics);
    }

    [Fact]
    public void A_plan_proved_with_the_routes_is_accepted_by_the_audit_on_the_same_inputs()
    {
        var policy = Resolve() with { Unwritten = UnwrittenTables.Of(Host()), Routes = ReadRoutes(), Settings = StrictOnEth0 };
        var plan = PolicyPlanner.Plan(LabHost, policy).Value!;

        Assert.Empty(Audit(plan.After, StrictOnEth0));
    }

    [Fact]
    public void Without_a_strict_rp_filter_the_audit_and_the_proof_both_ask_the_allowed_clients_in_on_eth0()
    {
        var loose = HostSettings.Unknown.With("net.ipv4.conf.all.rp_filter", "2");
        var policy = Resolve() with { Unwritten = UnwrittenTables.Of(Host()), Routes = ReadRoutes(), Settings = loose };
        var proved = PolicyPlanner.Plan(LabHost, policy with { Settings = StrictOnEth0 }).Value!;

        Assert.Null(PolicyPlanner.Plan(LabHost, policy).Value);
        Assert.Contains(Audit(proved.After, loose), f => f.Message.Contains("via eth0", StringComparison.Ordinal));
    }

    private static Finding[] Audit(Ruleset after, HostSettings settings) =>
        [.. Auditor.Run(new AuditContext(HostRuleset.Merge(after, NftJsonReader.Read(Guard, "nft.json").Value!), Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, settings)
        {
            Policy = Resolve(),
            Routes = ReadRoutes(),
        }, [new PolicyCheck()]).Findings];

    private static RoutingTable ReadRoutes()
    {
        var read = RouteListReader.Read(Routes, "routes.json");
        Assert.Empty(read.Diagnostics);
        return read.Value!;
    }

    private static LoadedHost Host() =>
        new([LabHost], NftJsonReader.Read(Guard, "nft.json").Value!, PolicyResolverTests.LabHost, DockerViewOrigin.Files, HostSettings.Unknown, [], []);

    private static ResolvedPolicy Resolve() =>
        PolicyResolver.Resolve(PolicyReader.Read(Policy, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;
}
