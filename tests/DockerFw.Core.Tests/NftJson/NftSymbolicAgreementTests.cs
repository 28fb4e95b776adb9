using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Tests;
using DockerFw.Tests.Semantics;
using DockerFw.Tests.Semantics.Symbolic;

namespace DockerFw.Core.Tests.NftJson;

/// <summary>
/// The symbolic engine places nft base chains on their hooks as the concrete engine does: packets
/// sampled from every region it finds get that region's verdict from the tracer (the mixed ruleset's
/// last rule is nft's <c>tcp flags &amp; (fin|syn|rst|ack) == syn</c>, as nft 1.0.6 lists it in JSON).
/// </summary>
public sealed class NftSymbolicAgreementTests
{
    public static TheoryData<string> Rulesets() => ["docker-like", "mixed"];

    [Theory]
    [MemberData(nameof(Rulesets))]
    public void Packets_from_each_region_get_its_verdict_from_the_tracer(string name)
    {
        var ruleset = Load(name);
        var context = new EvaluationContext { Addresses = [new("eth0", IpFamily.V4, IpAddressValue.Parse("10.0.0.1", IpFamily.V4), 24)] };
        var compiled = SymbolicRuleset.Compile(ruleset, null, context);
        var result = SymbolicEngine.Reach(compiled, PacketPath.Forward, OracleAgreementTests.TinyWorld(compiled.Space));
        var certain = 0;
        foreach (var region in result.Regions)
            foreach (var box in region.Packets.Boxes.Take(6))
            {
                var (point, mark) = box.Sample();
                var packet = compiled.Space.PacketAt(point, mark);
                var trace = PacketTracer.Trace(ruleset, packet, PacketPath.Forward, context);
                var where = $"{name}: {region.Verdict} region, {packet}: tracer says {string.Join("|", trace.PossibleVerdicts)}";
                if (region.Verdict == ReachVerdict.Maybe)
                {
                    Assert.False(trace.Certain, where);
                    continue;
                }

                certain++;
                Assert.True(trace.Certain && trace.Verdict.ToString() == region.Verdict.ToString(), where);
            }

        Assert.True(certain > 1, $"{name}: only {certain} certain samples");
    }

    private static Ruleset Load(string name)
    {
        if (name == "docker-like")
            return NftJsonReader.Read(File.ReadAllText(Corpus.PathOf("nft", "docker-like.ruleset.json")), "t").Value!;
        var iptables = Dump.Read("*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -o eth1 -j DROP\nCOMMIT\n");
        var nft = NftJsonReader.Read(
            """
            {"nftables": [{"table": {"family": "ip", "name": "t", "handle": 1}},
             {"chain": {"family": "ip", "table": "t", "name": "early", "handle": 1, "type": "filter", "hook": "forward", "prio": -10, "policy": "accept"}},
             {"chain": {"family": "ip", "table": "t", "name": "late", "handle": 2, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
             {"rule": {"family": "ip", "table": "t", "chain": "early", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"accept": null}]}},
             {"rule": {"family": "ip", "table": "t", "chain": "late", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"drop": null}]}},
             {"rule": {"family": "ip", "table": "t", "chain": "late", "handle": 5, "expr": [{"match": {"op": "==", "left": {"&": [{"payload": {"protocol": "tcp", "field": "flags"}}, ["fin", "syn", "rst", "ack"]]}, "right": "syn"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.2"}}, {"drop": null}]}}]}
            """, "t").Value!;
        return HostRuleset.Merge(iptables, nft);
    }
}
