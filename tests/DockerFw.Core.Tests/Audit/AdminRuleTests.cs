using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// DFW610-612: the admin's rules on the forward path that never match, are shadowed, or name a
/// published port's host port, which DNAT rewrote before FORWARD; DFW613: those the walk could not
/// judge, and why. The host publishes 8080 to c1's port 80 (DockerHost).
/// </summary>
public sealed class AdminRuleTests
{
    private static readonly HostCheck Check = new();

    private static Finding[] Findings(DockerHost host) => Findings(host.ToString());

    private static Finding[] Findings(string dump) =>
        [.. Check.Run(Context(dump)).Where(f => f.Code.Code.StartsWith("DFW61", StringComparison.Ordinal))];

    [Fact]
    public void A_DOCKER_USER_drop_on_the_published_host_port_misses_it_and_the_remedy_names_the_original_port()
    {
        var finding = Assert.Single(Findings(new DockerHost(User: """
            # must raise DFW612: after DNAT the packets to 8080 carry port 80, this rule never sees them
            -A DOCKER-USER -p tcp -m tcp --dport 8080 -j DROP
            """)));

        Assert.Equal("DFW612", finding.Code.Code);
        Assert.Contains("DOCKER-USER rule 1 never sees new connections to tcp port 8080", finding.Message, StringComparison.Ordinal);
        Assert.Contains("-m conntrack --ctorigdstport 8080.", finding.Message, StringComparison.Ordinal);
        Assert.Equal([("DOCKER-USER", 1, "misses the published port"), ("DOCKER", 3, "rewrites the destination first")],
            finding.Evidence.Select(e => (e.Chain, e.Rule, e.Role)));
    }

    [Fact]
    public void The_remedy_form_on_the_original_port_is_no_finding() =>
        Assert.Empty(Findings(new DockerHost(User: """
            # the conntrack original destination port sees the published port's packets: no finding
            -A DOCKER-USER -p tcp -m conntrack --ctorigdstport 8080 -j DROP
            """)));

    [Fact]
    public void A_rule_on_the_container_port_after_DNAT_is_no_finding() =>
        Assert.Empty(Findings(new DockerHost(User: """
            # matches the DNATed packet as FORWARD sees it: no finding
            -A DOCKER-USER -d 192.0.2.2/32 -p tcp -m tcp --dport 80 -j DROP
            """)));

    [Fact]
    public void A_rule_decided_in_full_by_an_earlier_rule_of_its_chain_is_shadowed_and_names_it()
    {
        var finding = Assert.Single(Findings(new DockerHost(User: """
            -A DOCKER-USER -i eth0 -j ACCEPT
            # must raise DFW611: everything from eth0 was accepted by rule 1
            -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j DROP
            """)));

        Assert.Equal("DFW611", finding.Code.Code);
        Assert.Equal([(2, "shadowed"), (1, "decides its packets first")], finding.Evidence.Select(e => (e.Rule, e.Role)));
    }

    [Fact]
    public void A_rule_shadowed_by_two_earlier_rules_names_both() =>
        Assert.Equal([3, 1, 2], Assert.Single(Findings(new DockerHost(User: """
            -A DOCKER-USER -i eth0 -p tcp -j ACCEPT
            -A DOCKER-USER -i eth0 ! -p tcp -j DROP
            # must raise DFW611: rules 1 and 2 together decide all of eth0
            -A DOCKER-USER -i eth0 -j REJECT
            """))).Evidence.Select(e => e.Rule));

    [Fact]
    public void A_rule_no_packet_entering_its_chain_satisfies_never_matches() =>
        Assert.Equal(["DFW610"], Findings(new DockerHost(Input: ":FROM-ETH0 - [0:0]", User: """
            -A DOCKER-USER -i eth0 -j FROM-ETH0
            # must raise DFW610: only packets from eth0 enter FROM-ETH0
            -A FROM-ETH0 -i eth1 -j DROP
            -A FROM-ETH0 -p udp -j DROP
            """)).Select(f => f.Code.Code));

    [Fact]
    public void A_rule_for_ICMP_messages_in_a_state_conntrack_never_gives_them_never_matches() =>
        // The whole-space walk held NEW echo replies and RELATED echo requests, which no kernel makes
        // (IcmpStates, oracle F39): the rules "matched" them. An echo request opening a connection
        // is NEW: rule 3 matches.
        Assert.Equal([("DFW610", 1), ("DFW610", 2)], Findings(new DockerHost(User: """
            # must raise DFW610: an echo reply is ESTABLISHED or INVALID, never NEW
            -A DOCKER-USER -p icmp -m icmp --icmp-type 0 -m conntrack --ctstate NEW -j DROP
            # must raise DFW610: an echo request is never RELATED (an error is)
            -A DOCKER-USER -p icmp -m icmp --icmp-type 8 -m conntrack --ctstate RELATED -j DROP
            -A DOCKER-USER -p icmp -m icmp --icmp-type 8 -m conntrack --ctstate NEW -j DROP
            """)).Select(f => (f.Code.Code, f.Evidence[0].Rule)));

    [Fact]
    public void A_rule_on_the_host_port_of_DNATed_connections_only_never_matches_and_says_why()
    {
        var finding = Assert.Single(Findings(new DockerHost(User: """
            # must raise DFW610: a DNATed connection reaches FORWARD with port 80, never 8080
            -A DOCKER-USER -m conntrack --ctstate DNAT -p tcp -m tcp --dport 8080 -j DROP
            """)));

        Assert.Equal("DFW610", finding.Code.Code);
        Assert.Contains("-m conntrack --ctorigdstport 8080", finding.Message, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e is { Chain: "DOCKER", Role: "rewrites the destination first" });
    }

    [Fact]
    public void A_rule_in_DOCKER_USER_is_judged_on_a_host_of_a_hundred_bridges() =>
        // The whole-space walk went on through Docker's 400 per-bridge FORWARD rules after DOCKER-USER,
        // past its budget, and nothing was said; no packet past DOCKER-USER's jump can reach the rule.
        Assert.Equal(["DFW610"], Findings(ManyBridges(100, user: """
            # must raise DFW610: an echo reply is ESTABLISHED or INVALID, never NEW
            -A DOCKER-USER -p icmp -m icmp --icmp-type 0 -m conntrack --ctstate NEW -j DROP
            """)).Select(f => f.Code.Code));

    /// <summary>Docker's classic rules for bridges br-0..br-(n-1) (10.0.i.0/24), every tenth publishing its .2's port 80 as 8000+i.</summary>
    private static string ManyBridges(int n, string user)
    {
        var (forward, docker, stage1, stage2, masquerade, nat) = (new List<string>(), new List<string>(), new List<string>(), new List<string>(), new List<string>(), new List<string>());
        for (var i = 0; i < n; i++)
        {
            var br = $"br-{i}";
            forward.AddRange([$"-A FORWARD -o {br} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", $"-A FORWARD -o {br} -j DOCKER",
                $"-A FORWARD -i {br} ! -o {br} -j ACCEPT", $"-A FORWARD -i {br} -o {br} -j ACCEPT"]);
            stage1.Add($"-A DOCKER-ISOLATION-STAGE-1 -i {br} ! -o {br} -j DOCKER-ISOLATION-STAGE-2");
            stage2.Add($"-A DOCKER-ISOLATION-STAGE-2 -o {br} -j DROP");
            masquerade.Add($"-A POSTROUTING -s 10.0.{i}.0/24 ! -o {br} -j MASQUERADE");
            nat.Add($"-A DOCKER -i {br} -j RETURN");
            if (i % 10 != 0) continue;
            docker.Add($"-A DOCKER -d 10.0.{i}.2/32 ! -i {br} -o {br} -p tcp -m tcp --dport 80 -j ACCEPT");
            nat.Add($"-A DOCKER ! -i {br} -p tcp -m tcp --dport {8000 + i} -j DNAT --to-destination 10.0.{i}.2:80");
        }

        return string.Join("\n", [
            "*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":DOCKER - [0:0]",
            "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER", "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER",
            .. masquerade, .. nat, "COMMIT",
            "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]", ":DOCKER - [0:0]", ":DOCKER-ISOLATION-STAGE-1 - [0:0]",
            ":DOCKER-ISOLATION-STAGE-2 - [0:0]", ":DOCKER-USER - [0:0]", "-A FORWARD -j DOCKER-USER", "-A FORWARD -j DOCKER-ISOLATION-STAGE-1",
            .. forward, .. docker, .. stage1, "-A DOCKER-ISOLATION-STAGE-1 -j RETURN", .. stage2, "-A DOCKER-ISOLATION-STAGE-2 -j RETURN",
            user, "-A DOCKER-USER -j RETURN", "COMMIT"]);
    }

    [Fact]
    public void Counters_docker_s_own_rules_and_the_closing_RETURN_are_never_judged() =>
        Assert.Empty(Findings(new DockerHost(User: """
            -A DOCKER-USER -j ACCEPT
            # only counts, and DOCKER-USER's closing RETURN does nothing: no finding for either
            -A DOCKER-USER -i eth0
            -A DOCKER-USER -j LOG
            """)));

    [Fact]
    public void A_rule_the_dump_cannot_decide_is_never_called_dead() =>
        Assert.Empty(Findings(new DockerHost(User: """
            -A DOCKER-USER -i eth0 -j ACCEPT
            # the set's members are unknown: whatever it matches, no claim
            -A DOCKER-USER -i eth0 -m set --match-set blocked src -j DROP
            """)));

    [Fact]
    public void A_walk_over_its_budget_judges_nothing_and_says_which_rules_and_why()
    {
        // Before DFW613 the walk's budget ran out in silence, which read as "every rule does something".
        var context = Context(new DockerHost(User: """
            # not judged: the walk may take one rule try
            -A DOCKER-USER -i eth1 -j DROP
            """).ToString());

        var finding = Assert.Single(AdminRuleFindings.Of(context, AuditAnalysis.Of(context), budget: 1));

        Assert.Equal("DFW613", finding.Code.Code);
        Assert.Equal("the admin's rule in DOCKER-USER was not judged: walking every packet that reaches it would take more than 1 rule try, the walk's budget. "
            + "Whether it ever matches is not claimed; ask `dockerfw reach` about the packets a rule names to decide it.", finding.Message);
    }

    [Fact]
    public void Packets_the_engine_cannot_follow_leave_every_rule_unjudged_and_the_finding_names_them()
    {
        var finding = Assert.Single(Findings(new DockerHost(User: """
            # user space decides ssh from eth0: those packets may go on to rule 2
            -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j NFQUEUE --queue-num 1
            # not judged: the finding says why
            -A DOCKER-USER -i eth1 -o eth1 -j DROP
            """)));

        Assert.Equal("DFW613", finding.Code.Code);
        Assert.Equal("the admin's rule in DOCKER-USER was not judged: forwarded packets in by eth0 (tcp/22) stop at DOCKER-USER rule 1, where the engine cannot follow them "
            + "(the verdict of NFQUEUE is decided outside the ruleset), and may go on to reach it. Whether it ever matches is not claimed; check it by hand.", finding.Message);
        Assert.Equal([("DOCKER-USER", 1, "leaves packets undecided")], finding.Evidence.Select(e => (e.Chain, e.Rule, e.Role)));
    }

    [Fact]
    public void A_rule_taken_first_on_ways_that_depend_on_an_ipset_is_not_called_shadowed_and_names_the_set_rule()
    {
        var finding = Assert.Single(Findings(new DockerHost(User: """
            -A DOCKER-USER -m set --match-set allowed src -j ACCEPT
            -A DOCKER-USER -i eth0 -j DROP
            # not judged: packets from eth0 are accepted by rule 1 or dropped by rule 2, as the set's members decide
            -A DOCKER-USER -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT
            """)));

        Assert.Equal("DFW613", finding.Code.Code);
        Assert.Equal("DOCKER-USER rule 3 is not judged: the packets it would match are taken before it on ways that depend on DOCKER-USER rule 1, which the dump cannot decide: "
            + "the members of ipset allowed are not known: give the host's ipsets with --ipsets (ipset save). Whether it is shadowed is not claimed; check it by hand.", finding.Message);
        Assert.Equal([(3, "not judged"), (1, "cannot be decided: the members of ipset allowed are not known: give the host's ipsets with --ipsets (ipset save)")], finding.Evidence.Select(e => (e.Rule, e.Role)));
    }

    [Fact]
    public void A_rule_of_a_chain_INPUT_shares_is_judged_over_both_paths() =>
        Assert.Empty(Findings(new DockerHost(Input: """
            :COMMON - [0:0]
            -A INPUT -j COMMON
            """, User: """
            -A DOCKER-USER -i eth0 -j COMMON
            # never matches a forwarded packet, but loopback traffic enters COMMON from INPUT: no finding
            -A COMMON -i lo -j ACCEPT
            """)));
}
