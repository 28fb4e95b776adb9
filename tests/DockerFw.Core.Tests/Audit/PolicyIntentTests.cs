using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Policy;
using DockerFw.Tests.Remediation;

namespace DockerFw.Tests.Audit;

/// <summary>
/// samples/lab-host after <c>dockerfw apply</c>: what the policy changed on purpose departs from
/// Docker's declarations, and the audit with <c>--policy</c> reports those findings apart, as intended
/// by the statement (file:line), while everything beyond the statement stays a real finding.
/// </summary>
public sealed class PolicyIntentTests
{
    private static readonly Ruleset LabHost = IptablesSaveReader.Read(
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    [Fact]
    public void Icc_the_policy_turned_off_is_intended_by_its_icc_statement_and_keeps_its_evidence()
    {
        const string policy = "# frontend's containers keep to themselves\nnetwork frontend { icc off }";

        var report = Audit(Applied(policy), policy);

        var icc = Assert.Single(report.Intended!.Value);
        Assert.Equal(("DFW302", "frontend"), (icc.Code.Code, icc.Networks.Single()));
        Assert.Equal(new PolicyIntent("p.policy", 2, "network frontend { icc off }"), icc.IntendedBy);
        Assert.Contains(icc.Evidence, e => e.Chain == PolicyPlanner.Chain);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.IccBlocked);
    }

    // Oracle F11: the pair an icc off block allows passes, so icc is partial (it read "off", and a
    // hole on an icc=false network went unreported); the policy's block intends exactly that pair.
    [Fact]
    public void A_pair_allowed_in_an_icc_off_block_makes_icc_partial_which_is_intended_and_a_wider_hole_is_not()
    {
        const string policy = "network backend {\n  icc off;\n  allow api -> db tcp/5432;\n}";
        var applied = Applied(policy);

        var report = Audit(applied, policy);
        var without = Auditor.Run(new AuditContext(Read(applied), Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, HostSettings.Unknown));
        var wider = Audit(applied.Replace("-A DOCKER-USER -j DOCKERFW-POLICY", "-A DOCKER-USER -i br-9c93ba76092b -o br-9c93ba76092b -p tcp --dport 22 -j ACCEPT\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal), policy);

        var backend = report.Networks.Single(n => n.Name == "backend");
        Assert.Null(backend.Icc.Effective);
        Assert.Equal(("tcp", "5432"), (Assert.Single(backend.Icc.PartialFlows!.Value).Protocol, backend.Icc.PartialFlows!.Value[0].Ports));
        Assert.Contains(without.Findings, f => f.Code == FindingCodes.IccNotEnforced && f.Networks.SequenceEqual(["backend"]));
        var intended = Assert.Single(report.Intended!.Value, f => f.Code == FindingCodes.IccNotEnforced);
        Assert.Equal(new PolicyIntent("p.policy", 2, "network backend { icc off; allow ... }"), intended.IntendedBy);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.IccNotEnforced);
        Assert.Contains(wider.Findings, f => f.Code == FindingCodes.IccNotEnforced && f.Networks.SequenceEqual(["backend"]));
    }

    [Fact]
    public void Icc_blocked_on_a_network_the_policy_does_not_name_stays_a_finding()
    {
        const string policy = "network frontend { icc off }";
        var blocked = Applied(policy).Replace("-A DOCKER-USER -j DOCKERFW-POLICY", "-A DOCKER-USER -j DOCKERFW-POLICY\n-A DOCKER-USER -i docker0 -o docker0 -j DROP", StringComparison.Ordinal);

        var report = Audit(blocked, policy);

        Assert.Contains(report.Findings, f => f.Code == FindingCodes.IccBlocked && f.Networks.SequenceEqual(["bridge"]));
        Assert.Equal(["frontend"], report.Intended!.Value.SelectMany(f => f.Networks));
    }

    [Fact]
    public void Icc_the_policy_turned_on_is_intended_though_Docker_declares_it_off()
    {
        const string policy = "network backend { icc on }";

        var report = Audit(Applied(policy), policy);

        var icc = Assert.Single(report.Intended!.Value);
        Assert.Equal(("DFW301", "network backend { icc on }"), (icc.Code.Code, icc.IntendedBy!.Statement));
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.IccNotEnforced);
    }

    [Fact]
    public void A_pair_of_networks_open_on_exactly_the_allowed_port_is_intended_by_the_allow()
    {
        const string policy = "allow frontend -> backend tcp/5432";

        var report = Audit(Applied(policy), policy);

        var open = Assert.Single(report.Intended!.Value);
        Assert.Equal("DFW202", open.Code.Code);
        Assert.Equal(["frontend", "backend"], open.Networks.AsEnumerable());
        Assert.Equal(new PolicyIntent("p.policy", 1, "allow frontend -> backend tcp/5432"), open.IntendedBy);
        Assert.NotEmpty(open.Evidence);
        Assert.DoesNotContain(report.Findings, f => f.Code.Check == "isolation");
    }

    [Fact]
    public void A_pair_reachable_on_more_ports_than_the_allow_names_stays_a_finding()
    {
        const string policy = "allow frontend -> backend tcp/5432";
        var wider = Applied(policy).Replace("-A DOCKER-USER -j DOCKERFW-POLICY",
            "-A DOCKER-USER -i br-e727bbbf1ba4 -o br-9c93ba76092b -p tcp -m tcp --dport 6379 -j ACCEPT\n-A DOCKER-USER -o br-e727bbbf1ba4 -i br-9c93ba76092b -m conntrack --ctstate ESTABLISHED -j ACCEPT\n-A DOCKER-USER -j DOCKERFW-POLICY", StringComparison.Ordinal);

        var report = Audit(wider, policy);

        Assert.Contains(report.Findings, f => f.Code == FindingCodes.NetworksPartlyOpen && f.Networks.SequenceEqual(["frontend", "backend"]));
        Assert.Empty(report.Intended!.Value);
    }

    [Fact]
    public void An_allow_the_other_way_round_does_not_make_the_pair_intended()
    {
        var opened = Applied("allow frontend -> backend tcp/5432");

        var report = Audit(opened, "allow backend -> frontend tcp/5432");

        Assert.Contains(report.Findings, f => f.Code == FindingCodes.NetworksPartlyOpen);
        Assert.Empty(report.Intended!.Value);
    }

    [Fact]
    public void A_published_port_kept_from_the_clients_a_from_restriction_leaves_out_is_intended_by_the_publish()
    {
        const string policy = "publish web tcp/8080 from 192.0.2.0/24";

        var report = Audit(RestrictedByHand, policy);

        // web publishes 8080 on 0.0.0.0 (its :: binding is no IPv4 fact); only clients in 192.0.2.0/24 get in.
        var dead = Assert.Single(report.Intended!.Value);
        Assert.Contains("only from 192.0.2.0/24", dead.Message, StringComparison.Ordinal);
        Assert.All(report.Intended!.Value, dead =>
        {
            Assert.Equal(("DFW511", "publish web tcp/8080 from 192.0.2.0/24", 1), (dead.Code.Code, dead.IntendedBy!.Statement, dead.IntendedBy.Line));
            Assert.Contains(dead.Evidence, e => e.Chain == "DOCKER-USER");
        });
        Assert.DoesNotContain(report.Findings, f => f.Code.Check == "published-port" && f.Severity >= FindingSeverity.Medium);
    }

    [Theory]
    [InlineData("publish web tcp/8080 from 192.0.2.0/24", "only from 192.0.2.0/24")]
    [InlineData("publish web tcp/8080 on 203.0.113.5", "only on 203.0.113.5")]
    public void A_restriction_dockerfw_applies_is_a_partial_port_intended_by_its_publish_line(string policy, string clients)
    {
        // apply writes --ctorigdstport/--ctorigdst rules: judged on the connection's original destination.
        var report = Audit(Applied(policy), policy);

        var port = Assert.Single(report.PublishedPorts);
        Assert.Null(port.FilterAccepts);
        Assert.NotNull(port.Partial);
        var dead = Assert.Single(report.Intended!.Value, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(clients, dead.Message, StringComparison.Ordinal);
        Assert.StartsWith(policy, dead.IntendedBy!.Statement, StringComparison.Ordinal);
        Assert.Equal(1, dead.IntendedBy.Line);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
    }

    [Fact]
    public void A_published_port_kept_from_a_client_the_policy_allows_stays_a_finding()
    {
        var report = Audit(RestrictedByHand, "publish web tcp/8080 from 198.18.0.0/15");

        Assert.Contains(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.PolicyAllowedBlocked);
        Assert.Empty(report.Intended!.Value);
    }

    [Fact]
    public void Docker_user_default_drop_intends_the_icc_and_published_ports_it_drops()
    {
        const string policy = "# nothing the policy does not allow\ndocker-user default drop";

        var report = Audit(Applied(policy), policy);

        Assert.Contains(report.Intended!.Value, f => f.Code == FindingCodes.IccBlocked && f.Networks.SequenceEqual(["bridge"]) && f.IntendedBy!.Line == 2);
        Assert.Contains(report.Intended!.Value, f => f.Code == FindingCodes.IccBlocked && f.Networks.SequenceEqual(["frontend"]));
        Assert.Contains(report.Intended!.Value, f => f.Code == FindingCodes.PublishedPortBlocked && f.IntendedBy!.Statement == "docker-user default drop");
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.IccBlocked || f.Code == FindingCodes.PublishedPortBlocked);
    }

    [Fact]
    // Oracle F11: icc read "off" here while api reached web on tcp/80. It is partial, in both families,
    // and a partial icc on a network declared icc on is no finding, real or intended.
    public void On_a_dual_stack_network_icc_off_with_an_allowed_pair_is_partial_in_both_families_and_no_finding()
    {
        const string policy = "network frontend { icc off; allow api -> web tcp/80 }";
        var plan = PolicyPlanner.Plan(LabHost, Ipv6PlanTests.Docker27, Resolve(policy)).Value!;
        var context = new AuditContext(Read(IptablesSaveWriter.Write(plan.After, includeCounters: false)),
            AuditFixture.Read(IptablesSaveWriter.Write(plan.Ipv6!.After, includeCounters: false), "ip6tables-save"), PolicyResolverTests.LabHost, HostSettings.Unknown)
        { Policy = Resolve(policy) };

        var report = Auditor.Run(context);

        var frontend = report.Networks.Single(n => n.Name == "frontend");
        Assert.All(new[] { frontend.Icc, frontend.IccV6! }, icc =>
        {
            Assert.Null(icc.Effective);
            var flow = Assert.Single(icc.PartialFlows!.Value);
            Assert.Equal(("tcp", "80", "connection"), (flow.Protocol, flow.Ports, flow.Kind));
        });
        Assert.DoesNotContain(report.Findings.AddRange(report.Intended!.Value), f => (f.Code.Check == "icc" && f.Networks.Contains("frontend")) || f.Code.Check == "policy");
    }

    [Fact]
    public void Without_a_policy_nothing_is_intended()
    {
        var report = Auditor.Run(new AuditContext(Read(Applied("allow frontend -> backend tcp/5432")), Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, HostSettings.Unknown));

        Assert.Null(report.Intended);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.NetworksPartlyOpen);
    }

    /// <summary>
    /// Each example policy planned over the lab host (IPv4, and dual-stack with Docker 27's ip6tables)
    /// and every corpus dump it plans on: whatever the audit finds after the plan and not before is
    /// intended by the policy, and nothing intended counts for --fail-on (a policy finding would say the
    /// plan is not satisfied, which its proof rules out).
    /// </summary>
    [Fact]
    public void After_planning_an_example_policy_every_new_finding_is_intended_by_it()
    {
        var policies = Directory.GetFiles(Path.Combine(Corpus.RepoRoot, "rules"), "*.policy").Select(f => (Name: "rules/" + Path.GetFileName(f), Text: File.ReadAllText(f))).ToList();
        var hosts = Corpus.Files("docker", "*.iptables-save")
            .Select(d => IptablesSaveReader.Read(File.ReadAllText(d), Path.GetFileName(d), IpFamily.V4).Value)
            .OfType<Ruleset>().Select(r => (V4: r, V6: Ruleset.Empty(IpFamily.V6), CorpusViews.For(r).View))
            .Prepend((LabHost, Ipv6PlanTests.Docker27, PolicyResolverTests.LabHost))
            .Prepend((LabHost, Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost)).ToList();
        var intended = 0;
        foreach (var (v4, v6, view) in hosts)
            foreach (var (name, text) in policies)
            {
                var resolved = PolicyResolver.Resolve(PolicyReader.Read(text, name).Value!, view).Value;
                if (resolved is null || PolicyPlanner.Plan(v4, v6, resolved).Value is not { } plan) continue;
                var was = Run(v4, v6, view, resolved).Findings.Select(Key).ToHashSet();
                var after = Run(Read(IptablesSaveWriter.Write(plan.After, includeCounters: false)),
                    plan.Ipv6 is { } six ? AuditFixture.Read(IptablesSaveWriter.Write(six.After, includeCounters: false), "ip6tables-save") : v6, view, resolved);

                // But for replies no rule can bring back: a server with no route to the client (on
                // docker20.10-internal both networks are internal, which gives their containers no default
                // route), which the pair's reply way names and the finding keeps real (oracle F14).
                // Nor the caveat of an icc=false Docker declared and the host's rules had let through
                // (docker-user-accept-all), which the plan's drop makes true again (PlanRepairTests).
                Assert.All(after.Findings.Where(f => !Unroutable(after, f) && !Restored(f, view)), f => Assert.True(was.Contains(Key(f)), $"{name}: {f.Code.Code} {f.Message}"));
                Assert.All(after.Intended!.Value, f => Assert.Equal(name, f.IntendedBy!.File));
                intended += after.Intended!.Value.Length;
            }

        Assert.True(intended > 0);
    }

    /// <summary>The lab host with web's 8080 dropped in DOCKER-USER for every client outside 192.0.2.0/24, as an admin might write it.</summary>
    private static string RestrictedByHand => IptablesSaveWriter.Write(LabHost, includeCounters: false).Replace("-A DOCKER-USER -j RETURN",
        "-A DOCKER-USER ! -s 192.0.2.0/24 -d 172.30.1.2/32 -p tcp -m tcp --dport 80 -j DROP\n-A DOCKER-USER -j RETURN", StringComparison.Ordinal);

    private static bool Unroutable(AuditReport report, Finding f) =>
        f.Networks is [var from, var to] && report.Reachability.Any(e => e.From == from && e.To == to
            && e.ReplyWay?.Contains("has no route back", StringComparison.Ordinal) == true && e.Flows.Any(x => x.Kind == "one-way"));

    private static bool Restored(Finding f, DockerView view) =>
        f.Code == FindingCodes.IccAssumesBrNetfilter && f.Networks is [var n] && view.Networks.Any(d => d.Name == n && !d.EnableIcc);

    private static string Key(Finding f) => $"{f.Code.Code} {string.Join(",", f.Networks)} {f.Message}";

    private static AuditReport Audit(string rules, string policy) => Run(Read(rules), Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, Resolve(policy));

    // An empty IPv6 ruleset stands for none read: these hosts are judged in IPv4.
    private static AuditReport Run(Ruleset v4, Ruleset v6, DockerView view, ResolvedPolicy policy) =>
        Auditor.Run(new AuditContext(v4, v6, view, HostSettings.Unknown) { Policy = policy, Ipv6Read = !v6.Tables.IsEmpty });

    private static Ruleset Read(string text) => AuditFixture.Read(text, "iptables-save");

    private static string Applied(string policy)
    {
        var plan = PolicyPlanner.Plan(LabHost, Resolve(policy));
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        return IptablesSaveWriter.Write(plan.Value.After, includeCounters: false);
    }

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;
}
