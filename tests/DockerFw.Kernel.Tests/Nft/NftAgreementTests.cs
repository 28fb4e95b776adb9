using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Kernel.Tests.Semantics;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Native nft tables loaded with <c>nft -f</c> beside iptables(-nft) rules in the router, one real
/// probe each; the engine, given the iptables-save text and the router's own <c>nft -j list ruleset</c>,
/// must agree with the kernel on whether the packet got through.
/// </summary>
public sealed class NftAgreementTests(NftTopologyFixture fixture) : IClassFixture<NftTopologyFixture>
{
    private const string Accepting = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";
    private const string ForwardDrop = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n";

    public static TheoryData<string, string, string, string, bool> Cases() => new()
    {
        {
            "an nft accept does not overrule iptables' FORWARD policy drop", ForwardDrop,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority -5; policy accept; counter accept; }; }",
            "udp a->b:53", false
        },
        {
            "an nft drop at a later priority is final after iptables accepts", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 10; policy accept; udp dport 53 counter drop; }; }",
            "udp a->b:53", false
        },
        {
            "an earlier chain's accept does not stop a later chain's drop", Accepting,
            "table ip dfwn_a { chain late { type filter hook forward priority 20; policy accept; counter drop; }; }\n" +
            "table ip dfwn_b { chain early { type filter hook forward priority -20; policy accept; counter accept; }; }",
            "udp a->b:53", false
        },
        {
            "accepting chains on every priority let the packet through", Accepting,
            "table ip dfwn_a { chain late { type filter hook forward priority 20; policy accept; counter accept; }; }\n" +
            "table ip dfwn_b { chain early { type filter hook forward priority -20; policy accept; counter accept; }; }",
            "udp a->b:53", true
        },
        {
            "a base chain's drop policy drops what its rules do not accept", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy drop; udp dport 54 accept; }; }",
            "udp a->b:53", false
        },
        {
            "a verdict map jumps to the chain of the outgoing interface", ForwardDrop.Replace(":FORWARD DROP", ":FORWARD ACCEPT"),
            "table ip dfwn_a { map out { type ifname : verdict; elements = { \"r2\" : jump to_b }; }\n" +
            " chain forward_c { type filter hook forward priority 0; policy accept; oifname vmap @out; }\n" +
            " chain to_b { udp dport 53 counter drop; }; }",
            "udp a->b:53", false
        },
        {
            "postrouting sees the interface a forwarded packet came in by", Accepting,
            "table ip dfwn_a { chain post { type filter hook postrouting priority 0; policy accept; iifname \"r1\" udp dport 53 counter drop; }; }",
            "udp a->b:53", false
        },
        {
            "a native dnat publishes a port on the router to b", Accepting,
            "table ip dfwn_a { chain pre { type nat hook prerouting priority dstnat; policy accept; udp dport 5353 counter dnat to 10.201.2.2:53; }; }",
            "udp a->router:5353", true
        },
        {
            "Docker 29's layout publishes a port: a dnat, then the bridge's chain by verdict map accepts", Accepting,
            Docker29Layout, "udp a->router:8053", true
        },
        {
            "Docker 29's layout drops an unpublished port of the bridge's container", Accepting,
            Docker29Layout, "udp a->b:54", false
        },
        // nft's negated tcp flags (docs/nftables.md), on a real SYN (the probe is nc's connect).
        {
            "tcp flags ! fin,rst,ack (none of them set) drops a SYN", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags ! fin,rst,ack counter drop; }; }",
            "tcp a->b:80", false
        },
        {
            "tcp flags ! syn lets a SYN through", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags ! syn counter drop; }; }",
            "tcp a->b:80", true
        },
        {
            "tcp flags != 0x12 (the whole byte, listed as a number) drops a SYN", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags != syn | ack counter drop; }; }",
            "tcp a->b:80", false
        },
        {
            "tcp flags != syn lets a SYN through", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags != syn counter drop; }; }",
            "tcp a->b:80", true
        },
        {
            "iptables' ! --syn in nft (tcp flags & (fin|syn|rst|ack) != syn) lets a SYN through", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags & (fin | syn | rst | ack) != syn counter drop; }; }",
            "tcp a->b:80", true
        },
        {
            "tcp flags & (syn|ack) != syn|ack drops a SYN", Accepting,
            "table ip dfwn_a { chain forward_c { type filter hook forward priority 0; policy accept; tcp flags & (syn | ack) != syn | ack counter drop; }; }",
            "tcp a->b:80", false
        },
    };

    // The shape of Docker 29's `ip docker-bridges` table (moby29-nftables-*.nft) with r2 as the
    // bridge and b as its container, port 8053 of the router published to b:53.
    private const string Docker29Layout =
        "table ip dfwn_a { map filter-forward-in-jumps { type ifname : verdict; elements = { \"r2\" : jump filter-forward-in__r2 }; }\n" +
        " chain filter-FORWARD { type filter hook forward priority filter; policy accept; oifname vmap @filter-forward-in-jumps; }\n" +
        " chain filter-forward-in__r2 { ct state established,related counter accept; iifname \"r2\" counter accept comment \"ICC\";" +
        " ip daddr 10.201.2.2 udp dport 53 counter accept; counter drop comment \"UNPUBLISHED PORT DROP\"; }\n" +
        " chain nat-PREROUTING { type nat hook prerouting priority dstnat; policy accept; fib daddr type local counter jump nat-prerouting-and-output; }\n" +
        " chain nat-prerouting-and-output { iifname != \"r2\" udp dport 8053 counter dnat to 10.201.2.2:53 comment \"DNAT\"; }; }";

    [KernelTheory]
    [MemberData(nameof(Cases))]
    public void The_engine_agrees_with_the_kernel_on_native_and_mixed_tables(string name, string iptables, string nft, string probeSpec, bool arrives)
    {
        var topology = fixture.Topology;
        KernelProbe.Load(topology, iptables);
        var reset = "table ip dfwn_a {}\ndelete table ip dfwn_a\ntable ip dfwn_b {}\ndelete table ip dfwn_b\n";
        var load = topology.Router.ExecWithInput(reset + nft + "\n", "nft", "-f", "-");
        Assert.True(load.Ok, $"{name}: nft -f refused the ruleset: {load.Error}");
        try
        {
            var probe = ProbeSpec.Parse(topology, probeSpec);
            var kernel = KernelProbe.Send(topology, probe);
            var listed = topology.Router.Exec("nft", "-j", "list", "ruleset");
            listed.EnsureOk();
            var native = NftJsonReader.Read(listed.Out, "nft -j list ruleset");
            Assert.Empty(native.Errors);
            var rules = HostRuleset.Merge(IptablesSaveReader.Read(iptables, "iptables", IpFamily.V4).Value!, native.Value!);
            var trace = EngineView.Trace(rules, topology, probe);

            Assert.True(kernel.Arrived == arrives, $"{name}: the kernel did not do as the case says: {kernel}");
            Assert.True(trace.Verdict == (arrives ? PacketVerdict.Accept : PacketVerdict.Drop), $"{name}: engine {string.Join(",", trace.PossibleVerdicts)}, kernel {kernel}");
        }
        finally
        {
            topology.Router.ExecWithInput(reset, "nft", "-f", "-");
        }
    }
}
