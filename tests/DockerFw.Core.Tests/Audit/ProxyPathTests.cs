using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Audit.Checks;
using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Semantics.IpSets;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Tests.Policy;

namespace DockerFw.Tests.Audit;

/// <summary>
/// samples/lab-host (dockerd 20.10, userland proxy on) with the docker-proxy listeners Docker's view
/// implies for web's <c>-p 8080:80</c>: <c>0.0.0.0:8080</c> to 172.30.1.2:80 and <c>[::]:8080</c> to its
/// IPv6 address on the dual-stack frontend.
/// Docker skips its DNAT for traffic from a bridge (<c>-A DOCKER -i br -j RETURN</c>), so every
/// network's containers reach web through the IPv4 proxy by the host's address; ip6tables has no
/// rule, so every IPv6 client reaches it through the IPv6 one.
/// </summary>
public sealed class ProxyPathTests
{
    private const string FromOffice = "publish web tcp/8080 from 192.0.2.0/24, 2001:db8::/32";

    private static readonly Ruleset LabHost = IptablesSaveReader.Read(
        File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save")), "iptables-save", IpFamily.V4).Value!;

    private static readonly ProxyListeners Proxies = ProxyListeners.AssumedFrom(PolicyResolverTests.LabHost);

    // The remedy the findings print: the port closed in INPUT but for the allowed sources and loopback.
    private const string InputV4 = "-A INPUT -s 192.0.2.0/24 -p tcp -m tcp --dport 8080 -j ACCEPT\n-A INPUT ! -i lo -p tcp -m tcp --dport 8080 -j DROP\n";
    private const string InputV6 = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 2001:db8::/32 -p tcp -m tcp --dport 8080 -j ACCEPT\n-A INPUT ! -i lo -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n";

    [Fact]
    public void Docker_s_view_implies_one_listener_per_binding_to_the_container()
    {
        Assert.Equal(["tcp 0.0.0.0:8080 -> 172.30.1.2:80", "tcp [::]:8080 -> [fd00:d0c:1::2]:80"], Proxies.Listeners.Select(l => l.ToString()));
    }

    [Fact]
    public void The_ipv4_proxy_serves_every_network_s_containers_but_no_outside_client_which_docker_dnats()
    {
        var path = ProxyPath.Of(Proxies.Listeners[0], Host(LabHost, Ruleset.Empty(IpFamily.V6)));

        Assert.Equal(["containers of 'backend'", "containers of 'bridge'", "containers of 'frontend'"], path.Reaches.Select(r => r.Who).Order());
        Assert.All(path.Reaches, r => Assert.True(r.Certain));
        Assert.True(path.Delivered);
        Assert.Equal("frontend", path.TargetNetwork!.Name);
    }

    [Fact]
    public void The_ipv6_proxy_serves_every_ipv6_client_and_is_unknown_when_no_ip6tables_rules_were_read()
    {
        var host = Host(LabHost, Ruleset.Empty(IpFamily.V6));
        var path = ProxyPath.Of(Proxies.Listeners[1], host);

        var outside = Assert.Single(path.Reaches, r => r.From is null);
        Assert.True(outside.Certain);
        Assert.Equal("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PublishProof.Addresses(outside.Sources, IpFamily.V6));
        Assert.Equal("the ip6tables rules were not read", ProxyPath.Of(Proxies.Listeners[1], Host(LabHost, null)).Unknown);
    }

    [Fact]
    public void A_set_rule_in_input_is_decided_by_the_sets_members_when_the_host_gave_them()
    {
        // backend's subnet is in the set: its containers' way to the proxy is dropped in INPUT.
        var dropped = IptablesSaveReader.Read(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "samples", "lab-host", "iptables-save"))
            .Replace(":INPUT ACCEPT [0:0]\n", ":INPUT ACCEPT [0:0]\n-A INPUT -p tcp -m set --match-set blocked src -m tcp --dport 8080 -j DROP\n"), "iptables-save", IpFamily.V4).Value!;
        var sets = System.Collections.Immutable.ImmutableDictionary<string, IpSetMembers>.Empty
            .Add("blocked", IpSetMembers.Of(AddressMask.FromPrefix(IpFamily.V4, IpAddressValue.Parse("172.30.2.0", IpFamily.V4), 24)));

        var known = ProxyPath.Of(Proxies.Listeners[0], new ProxyHost(dropped, Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost.Networks, Proxies, ipSets: sets));
        var unknown = ProxyPath.Of(Proxies.Listeners[0], Host(dropped, Ruleset.Empty(IpFamily.V6)));

        Assert.Equal(["containers of 'bridge'", "containers of 'frontend'"], known.Reaches.Select(r => r.Who).Order());
        Assert.All(known.Reaches, r => Assert.True(r.Certain));
        // Without the members the rule cannot be decided: every network's way is uncertain, none is left out.
        Assert.Equal(3, unknown.Reaches.Select(r => r.Who).Distinct().Count());
        Assert.Contains(unknown.Reaches, r => !r.Certain);
    }

    [Fact]
    public void Audit_policy_reports_each_proxy_way_from_sources_the_policy_does_not_list_with_the_input_remedy()
    {
        var findings = PolicyFindings(LabHost, Ruleset.Empty(IpFamily.V6)).Where(f => f.Message.Contains("docker-proxy", StringComparison.Ordinal)).ToList();

        // IPv4: the containers of each of the three networks; IPv6: outside, and frontend's containers (the only IPv6 network).
        Assert.True(5 == findings.Count, string.Join("\n", findings.Select(f => f.Message)));
        Assert.All(findings, f => Assert.Equal("DFW902", f.Code.Code));
        var six = Assert.Single(findings, f => f.Message.Contains("[::]:8080 (INPUT", StringComparison.Ordinal));
        Assert.StartsWith("tcp/8080 on any address of the host from ::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff, 2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff: new connections reach 'web' (80/tcp on 'frontend') through docker-proxy on [::]:8080 (INPUT, then the host's own connection to the container: DOCKER-USER never sees them), but the policy p.policy publishes it only from 192.0.2.0/24, 2001:db8::/32.",
            six.Message, StringComparison.Ordinal);
        Assert.Contains("ip6tables -I INPUT -p tcp --dport 8080 ! -i lo -j DROP; ip6tables -I INPUT -s 2001:db8::/32 -p tcp --dport 8080 -j ACCEPT", six.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Message.Contains("from containers of 'backend' by the host's address", StringComparison.Ordinal));
    }

    [Fact]
    public void The_input_rules_of_the_remedy_close_every_proxy_way_and_the_plan_is_then_proved()
    {
        var v4 = WithInput(LabHost);
        var v6 = IptablesSaveReader.Read(InputV6, "ip6tables-save", IpFamily.V6).Value!;
        var policy = Resolve(FromOffice);

        Assert.DoesNotContain(PolicyFindings(v4, v6), f => f.Message.Contains("docker-proxy", StringComparison.Ordinal));
        Assert.Empty(ProxyConformance.Judge(Host(v4, v6), policy));
        Assert.NotNull(PolicyPlanner.Plan(v4, v6, policy, Proxies).Value);
    }

    [Fact]
    public void A_plan_that_leaves_a_proxy_way_open_is_refused_naming_it_and_the_input_rules_to_add()
    {
        var plan = PolicyPlanner.Plan(LabHost, Ruleset.Empty(IpFamily.V6), Resolve(FromOffice), Proxies);

        Assert.Null(plan.Value);
        Assert.All(plan.Diagnostics, d => Assert.Equal("DFW831", d.Code));
        Assert.Contains(plan.Diagnostics, d => d.Message.StartsWith(
            "expected the host to satisfy the policy after the plan, but tcp/8080 on any address of the host from ::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff, 2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff reaches 'web' through docker-proxy on [::]:8080",
            StringComparison.Ordinal) && d.Message.Contains("(decided by policy of filter/INPUT)", StringComparison.Ordinal));
        // Without the listeners the plan proves what it always did.
        Assert.NotNull(PolicyPlanner.Plan(LabHost, Ruleset.Empty(IpFamily.V6), Resolve(FromOffice), null).Value);
    }

    [Fact]
    public void A_restriction_in_docker_user_that_docker_proxy_bypasses_is_DFW540_and_none_without_a_restriction()
    {
        var restricted = IptablesSaveWriter.Write(LabHost, includeCounters: false).Replace(
            ":DOCKER-USER - [0:0]\n", ":DOCKER-USER - [0:0]\n-A DOCKER-USER ! -s 192.0.2.0/24 -p tcp -m conntrack --ctstate NEW --ctorigdstport 8080 -j DROP\n", StringComparison.Ordinal);
        Assert.Contains("--ctorigdstport 8080 -j DROP", restricted, StringComparison.Ordinal);

        var findings = ProxyFindings(AuditFixture.Read(restricted, "iptables-save"), ToIpv4);

        Assert.Equal(["DFW540", "DFW540"], findings.Select(f => f.Code.Code));
        var six = Assert.Single(findings, f => f.Message.Contains("[::]:8080", StringComparison.Ordinal));
        Assert.StartsWith("tcp/8080 of 'web' is restricted on its forwarded way", six.Message, StringComparison.Ordinal);
        Assert.Equal(("DOCKER-USER", 1), (six.Evidence[0].Chain, six.Evidence[0].Rule));
        Assert.Empty(ProxyFindings(LabHost, ToIpv4));
    }

    [Fact]
    public void A_restriction_on_one_host_address_that_docker_proxy_bypasses_is_DFW540_though_the_uplink_s_address_is_open()
    {
        // The forwarded way was asked about one host address (the model's uplink, 198.18.0.1), which
        // this restriction never meets: docker-proxy's bypass of it went unreported.
        var restricted = IptablesSaveWriter.Write(LabHost, includeCounters: false).Replace(
            ":DOCKER-USER - [0:0]\n", ":DOCKER-USER - [0:0]\n-A DOCKER-USER -p tcp -m conntrack --ctstate NEW --ctorigdst 203.0.113.7 --ctorigdstport 8080 -j DROP\n", StringComparison.Ordinal);
        Assert.Contains("--ctorigdst 203.0.113.7", restricted, StringComparison.Ordinal);

        var findings = ProxyFindings(AuditFixture.Read(restricted, "iptables-save"), ToIpv4);

        Assert.Contains(findings, f => f.Code.Code == "DFW540" && f.Message.Contains("[::]:8080", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockers_recipe_on_the_uplink_that_docker_proxy_bypasses_is_DFW540_and_says_the_interface()
    {
        // Oracle F41's rest: the forwarded way was asked in on the model's dfw-uplink0 alone, which the
        // recipe's -i eth0 never meets: no restriction, so docker-proxy's bypass of it went unreported.
        var restricted = IptablesSaveWriter.Write(LabHost, includeCounters: false).Replace(
            ":DOCKER-USER - [0:0]\n", ":DOCKER-USER - [0:0]\n-A DOCKER-USER -i eth0 ! -s 192.168.1.1/32 -j DROP\n", StringComparison.Ordinal);
        Assert.Contains("-i eth0 ! -s 192.168.1.1/32 -j DROP", restricted, StringComparison.Ordinal);

        var findings = ProxyFindings(AuditFixture.Read(restricted, "iptables-save"), ToIpv4);

        Assert.Equal(["DFW540", "DFW540"], findings.Select(f => f.Code.Code));
        var six = Assert.Single(findings, f => f.Message.Contains("[::]:8080", StringComparison.Ordinal));
        Assert.StartsWith("tcp/8080 of 'web' is restricted on its forwarded way via eth0 (the evidence's first rule keeps clients out)", six.Message, StringComparison.Ordinal);
        Assert.Contains("-i eth0", six.Evidence[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_drop_on_the_uplink_leaves_the_proxy_reached_from_outside_via_every_other_interface()
    {
        // The outside was one uplink no rule names: every IPv6 client reached the [::] proxy, eth0's too.
        var v6 = IptablesSaveReader.Read("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i eth0 -p tcp -m tcp --dport 8080 -j DROP\nCOMMIT\n", "ip6tables-save", IpFamily.V6).Value!;

        var outside = Assert.Single(ProxyPath.Of(Proxies.Listeners[1], Host(LabHost, v6)).Reaches, r => r.From is null);

        Assert.Equal((true, "any interface but eth0"), (outside.Certain, outside.Via));
        Assert.Null(Assert.Single(ProxyPath.Of(Proxies.Listeners[1], Host(LabHost, Ruleset.Empty(IpFamily.V6))).Reaches, r => r.From is null).Via);
    }

    // docker-proxy as dockerd 20.10 runs it for a container without IPv6: both bindings to its IPv4 address.
    private static readonly ProxyListeners ToIpv4 = ProxyListingReader.Read(
        """
        1 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.30.1.2 -container-port 80
        2 /usr/sbin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.30.1.2 -container-port 80
        """, "ps").Value!;

    private static List<Finding> ProxyFindings(Ruleset v4, ProxyListeners proxies) =>
        [.. Auditor.Run(new AuditContext(v4, Ruleset.Empty(IpFamily.V6), PolicyResolverTests.LabHost, HostSettings.Unknown) { Proxies = proxies }, [new ProxyCheck()]).Findings];

    private static List<Finding> PolicyFindings(Ruleset v4, Ruleset v6) =>
        [.. Auditor.Run(new AuditContext(v4, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { Policy = Resolve(FromOffice), Proxies = Proxies }, [new PolicyCheck()]).Findings];

    /// <summary>The rules with the remedy's INPUT rules in the filter table (nat has an INPUT chain too, where DROP is refused).</summary>
    private static Ruleset WithInput(Ruleset rules)
    {
        var text = IptablesSaveWriter.Write(rules, includeCounters: false);
        var at = text.IndexOf(":INPUT ACCEPT [0:0]\n", text.IndexOf("*filter\n", StringComparison.Ordinal), StringComparison.Ordinal) + ":INPUT ACCEPT [0:0]\n".Length;
        return AuditFixture.Read(text.Insert(at, InputV4), "iptables-save");
    }

    [Fact]
    public void Docker_proxys_replies_leave_by_output_where_a_drop_of_the_host_port_as_source_makes_every_ipv6_connection_one_way()
    {
        // The [::]:8080 proxy serves every IPv6 client (ip6tables has no rule of Docker's); its socket
        // answers from the host's address and port 8080, ESTABLISHED, through OUTPUT: a drop there
        // of --sport 8080 lets every request in and no connection complete. FORWARD never sees them.
        var v6 = IptablesSaveReader.Read("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp -m tcp --sport 8080 -j DROP\nCOMMIT\n", "ip6tables-save", IpFamily.V6).Value!;
        var path = ProxyPath.Of(Proxies.Listeners[1], Host(LabHost, v6));
        var findings = Auditor.Run(new AuditContext(LabHost, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { Proxies = Proxies }, [new ProxyCheck()]).Findings;

        var outside = Assert.Single(path.Reaches, r => r.From is null);
        Assert.True(outside.RepliesDying.SameAs(outside.Packets));
        // frontend's containers reach it over IPv6 too, and lose their replies alike (a finding of their own).
        Assert.Equal(2, findings.Count(f => f.Code == FindingCodes.PublishedPortBlocked));
        var dead = Assert.Single(findings, f => f.Code == FindingCodes.PublishedPortBlocked && f.Message.Contains("from outside", StringComparison.Ordinal));
        Assert.Equal("published port tcp/8080 of 'web' is served by docker-proxy on [::]:8080 (docker-proxy assumed from Docker's view, as its default userland-proxy runs it: give --proxies FILE to read the host's), "
            + "and INPUT lets its connections from outside in, but OUTPUT drops every reply of docker-proxy to them: none completes (one-way). If that is not intended, remove the rule that drops the replies (evidence), or accept them before it (-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT in OUTPUT).",
            dead.Message);
        Assert.Equal(["-A OUTPUT -p tcp -m tcp --sport 8080 -j DROP"], dead.Evidence.Select(e => e.Text));
    }

    [Fact]
    public void Docker_proxys_replies_that_output_lets_out_leave_the_proxy_without_a_finding()
    {
        var v6 = IptablesSaveReader.Read("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp -m tcp --sport 9090 -j DROP\nCOMMIT\n", "ip6tables-save", IpFamily.V6).Value!;

        var path = ProxyPath.Of(Proxies.Listeners[1], Host(LabHost, v6));

        Assert.All(path.Reaches, r => Assert.True(r.RepliesDying.IsEmpty));
    }

    [Fact]
    public void Docker_proxys_replies_under_a_multipath_route_whose_devices_rules_differ_are_said_to_be_uncertain()
    {
        // 2001:db8:9::/48's replies leave by eth0 or eth1, as the kernel's hash picks per connection; OUTPUT
        // drops the proxy's replies by eth0 only: those connections may be one-way, which no finding claims.
        var v6 = IptablesSaveReader.Read("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -o eth0 -p tcp -m tcp --sport 8080 -j DROP\nCOMMIT\n", "ip6tables-save", IpFamily.V6).Value!;
        const string routes = """
            [{"dst":"default","gateway":"2001:db8:1::1","dev":"eth1","metric":1024,"flags":[]},
             {"dst":"2001:db8:9::/48","metric":1024,"flags":[],"nexthops":[{"gateway":"2001:db8:1::2","dev":"eth0","weight":1,"flags":[]},{"gateway":"2001:db8:1::1","dev":"eth1","weight":1,"flags":[]}]},
             {"dst":"2001:db8:1::/64","dev":"eth1","protocol":"kernel","metric":256,"flags":[]},
             {"type":"local","dst":"2001:db8:1::5","dev":"eth1","table":"local","protocol":"kernel","metric":0,"flags":[]}]
            """;
        var table = Core.Semantics.Routing.RouteListReader.Read(routes, "routes6.json");
        Assert.Empty(table.Diagnostics);

        var report = Auditor.Run(new AuditContext(LabHost, v6, PolicyResolverTests.LabHost, HostSettings.Unknown) { Proxies = Proxies, Routes = table.Value }, [new ProxyCheck()]);

        // (Only clients that claim the host's own address, answered by the way they came in, surely die by eth0.)
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.PublishedPortBlocked && f.Message.Contains("2001:db8:9", StringComparison.Ordinal));
        var doubt = Assert.Single(report.Notices, n => n.StartsWith("docker-proxy on [::]:8080", StringComparison.Ordinal) && n.Contains("from outside", StringComparison.Ordinal));
        Assert.Contains("2001:db8:9::/48", doubt, StringComparison.Ordinal);
        Assert.EndsWith("they may be one-way (uncertain, not claimed dropped)", doubt, StringComparison.Ordinal);
    }

    private static ProxyHost Host(Ruleset v4, Ruleset? v6) => new(v4, v6, PolicyResolverTests.LabHost.Networks, Proxies);

    private static ResolvedPolicy Resolve(string text) =>
        PolicyResolver.Resolve(PolicyReader.Read(text, "p.policy").Value!, PolicyResolverTests.LabHost).Value!;
}
