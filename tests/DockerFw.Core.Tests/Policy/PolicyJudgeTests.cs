using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Policy.Judging;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Audit;

namespace DockerFw.Tests.Policy;

/// <summary>
/// The one judge of a policy (<see cref="PairJudge"/>, <see cref="PublishJudge"/>) on samples/lab-host
/// with "backend: icc off, api -> db on tcp/5432 only": its verdicts, and <c>audit --policy</c>'s
/// findings and the plan's refusal read from the same ones.
/// </summary>
public sealed class PolicyJudgeTests
{
    private const string Text = "network backend { icc off; allow api -> db tcp/5432 }";

    private static readonly Ruleset LabHost = AuditFixture.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")));

    private static readonly ResolvedPolicy Policy = Resolve(Text);

    [Fact]
    public void The_planned_after_state_has_no_verdict()
    {
        Assert.Empty(PairJudge.Judge(PolicyView.Proving(Applied(), Policy), Policy).Verdicts);
    }

    [Fact]
    public void A_hole_is_one_verdict_which_the_audit_reports_and_the_proof_refuses_with_alike()
    {
        var holed = Holed("-s DB/32 -d API/32 -p udp -m udp --dport 53 -j ACCEPT");

        var verdict = Assert.Single(PairJudge.Judge(PolicyView.Proving(holed, Policy), Policy).Verdicts);

        Assert.Equal(("db", "api", Reachability.Reachable, Reachability.Blocked, false),
            (verdict.From.Container.Name, verdict.To.Container.Name, verdict.Actual, verdict.Expected, verdict.Reply));
        var refusal = Assert.Single(PlanProof.Check(holed, Policy)).Message;
        Assert.StartsWith("expected the host to satisfy the policy after the plan, but 'db' on 'backend' -> 'api' on 'backend' udp/53 is reachable, not blocked (decided by filter/DOCKER-USER#1", refusal, StringComparison.Ordinal);
        var finding = Assert.Single(Findings(holed));
        Assert.StartsWith("'db' on 'backend' -> 'api' on 'backend' udp/53: new connections get through, but the policy p.policy blocks them.", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_that_die_are_a_one_way_verdict_on_the_requests_whose_first_packet_passes()
    {
        var holed = Holed("-s DB/32 -d API/32 -p tcp -m tcp --sport 5432 -m conntrack --ctstate RELATED,ESTABLISHED -j DROP");

        var verdict = Assert.Single(PairJudge.Judge(PolicyView.Proving(holed, Policy), Policy).Verdicts);

        Assert.Equal(("api", "db", Reachability.OneWay, Reachability.Reachable, true),
            (verdict.From.Container.Name, verdict.To.Container.Name, verdict.Actual, verdict.Expected, verdict.Reply));
        Assert.Contains("'api' on 'backend' -> 'db' on 'backend' tcp/5432 is one-way, not reachable: its replies are not accepted (decided by filter/DOCKER-USER#1",
            Assert.Single(PlanProof.Check(holed, Policy)).Message, StringComparison.Ordinal);
        Assert.Contains("tcp/5432: new connections get their first packet through but not the replies", Assert.Single(Findings(holed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_that_die_for_one_source_port_make_only_the_requests_from_it_one_way()
    {
        // Oracle seed 3050 (F16): a drop of the client's own port 6291 kills the replies of the
        // requests it sends from that port, and no other; the finding said "tcp", every request.
        var holed = Holed("-d API/32 -p tcp -m tcp --dport 6291 -j DROP");

        var finding = Assert.Single(Findings(holed));

        Assert.StartsWith("'api' on 'backend' -> 'db' on 'backend' tcp/5432 from source port 6291: new connections get their first packet through but not the replies", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropped_timestamp_replies_make_the_timestamp_requests_one_way_and_no_other_ICMP()
    {
        // Replies were matched on protocol and ports alone: a drop of ICMP's timestamp replies (14)
        // made a verdict of requests of type 14, and every ICMP request one-way with it.
        var policy = Resolve("network backend { icc on }");
        var holed = Holed("-p icmp -m icmp --icmp-type 14 -j DROP", policy);

        var verdicts = PairJudge.Judge(PolicyView.Proving(holed, policy), policy).Verdicts;

        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.Equal((Reachability.OneWay, Reachability.Reachable, true), (v.Actual, v.Expected, v.Reply)));
        Assert.All(verdicts.SelectMany(v => v.Packets.Boxes), b => Assert.Equal((IntervalSet.Single(1), IntervalSet.Single(13)), (b[Dimension.Proto], b[Dimension.IcmpType])));
    }

    [Fact]
    public void Later_packets_that_die_are_an_opening_only_verdict_on_the_requests_whose_replies_come_back()
    {
        // Oracle F38, seed 4288: an ESTABLISHED drop the request's way lets the SYN and the SYN,ACK
        // through and the handshake's ACK and the data not: the allowed pair carries no data.
        var holed = Holed("-s API/32 -d DB/32 -p tcp -m tcp --dport 5432 -m conntrack --ctstate ESTABLISHED -j DROP");

        var verdict = Assert.Single(PairJudge.Judge(PolicyView.Proving(holed, Policy), Policy).Verdicts);

        Assert.Equal(("api", "db", Reachability.OpeningOnly, Reachability.Reachable, false),
            (verdict.From.Container.Name, verdict.To.Container.Name, verdict.Actual, verdict.Expected, verdict.Reply));
        Assert.Contains("'api' on 'backend' -> 'db' on 'backend' tcp/5432 is opening-only (its later packets are dropped), not reachable (decided by filter/DOCKER-USER#1",
            Assert.Single(PlanProof.Check(holed, Policy)).Message, StringComparison.Ordinal);
        Assert.Contains("tcp/5432: new connections get their first packet and its replies through but not their later packets", Assert.Single(Findings(holed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forbidden_pair_whose_later_packets_die_is_still_let_through_and_the_proof_repairs_it()
    {
        // db -> api is forbidden: a NEW accept lets its openings through, and the replies back, though
        // nothing after them passes; the policy's finding must say so, not "get through".
        var holed = Holed("-s DB/32 -d API/32 -p udp -m udp --dport 53 -m conntrack --ctstate NEW -j ACCEPT\n-A DOCKER-USER -s DB/32 -d API/32 -p udp -m udp --dport 53 -j DROP");

        var verdict = Assert.Single(PairJudge.Judge(PolicyView.Proving(holed, Policy), Policy).Verdicts);

        Assert.Equal(("db", "api", Reachability.OpeningOnly, Reachability.Blocked), (verdict.From.Container.Name, verdict.To.Container.Name, verdict.Actual, verdict.Expected));
        Assert.StartsWith("'db' on 'backend' -> 'api' on 'backend' udp/53: new connections get their first packet and its replies through but not their later packets", Assert.Single(Findings(holed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bridge_that_switches_unfiltered_is_the_audit_s_view_alone_and_opens_every_pair_of_it()
    {
        var proving = PolicyView.Proving(Applied(), Policy);

        var verdicts = PairJudge.Judge(proving with { SwitchesUnfiltered = bridge => true }, Policy).Verdicts;

        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.Equal((Reachability.Reachable, Reachability.Blocked), (v.Actual, v.Expected)));
        Assert.All(verdicts, v => Assert.Contains("bridge-nf-call-iptables is 0", v.Why, StringComparison.Ordinal));
        Assert.All(verdicts, v => Assert.Null(v.DecidedIn));
    }

    [Fact]
    public void The_host_may_have_every_address_but_its_containers_and_keeps_its_gateways()
    {
        var possible = PublishJudge.PossibleHosts(Policy, IpFamily.V4);

        foreach (var bridge in Policy.Bridges)
            foreach (var subnet in bridge.SubnetsOf(IpFamily.V4))
            {
                Assert.False(possible.Contains(subnet.Network.Address + 2), $"{subnet.Network}: a container's address is no host's");
                if (subnet.Gateway is { } gateway) Assert.True(possible.Contains(gateway), $"{subnet.Network}: the gateway is the host's");
            }

        Assert.True(possible.Contains(RuleCompilerIntervals("203.0.113.5/32").Ranges.First().First));
    }

    private static IntervalSet RuleCompilerIntervals(string cidr) =>
        AddressMask.TryParse(cidr, IpFamily.V4, out var mask) ? RuleCompiler.Intervals(mask!)! : throw new ArgumentException(cidr);

    private static Ruleset Holed(string rule, ResolvedPolicy? policy = null)
    {
        var text = IptablesSaveWriter.Write(Applied(policy), includeCounters: false).Replace("-A DOCKER-USER -j DOCKERFW-POLICY",
            $"-A DOCKER-USER {rule.Replace("DB", Address("db"), StringComparison.Ordinal).Replace("API", Address("api"), StringComparison.Ordinal)}\n-A DOCKER-USER -j DOCKERFW-POLICY",
            StringComparison.Ordinal);
        return AuditFixture.Read(text);
    }

    private static Ruleset Applied(ResolvedPolicy? policy = null)
    {
        var plan = PolicyPlanner.Plan(LabHost, policy ?? Policy);
        Assert.True(plan.Value is not null, string.Join('\n', plan.Diagnostics.Select(d => d.Render())));
        return plan.Value.After;
    }

    private static List<Finding> Findings(Ruleset rules) =>
        [.. Auditor.Run(new AuditContext(rules, Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, HostSettings.Unknown) { Policy = Policy }, [new PolicyCheck()]).Findings];

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;

    private static string Address(string container) =>
        IpAddressValue.Format(PolicyResolverTests.LabHost.ContainerByName(container)!.Endpoints.Single(e => e.Network == "backend").Ipv4!.Value, IpFamily.V4);
}
