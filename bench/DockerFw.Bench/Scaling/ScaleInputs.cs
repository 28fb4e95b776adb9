using System.Globalization;
using System.Text;

namespace DockerFw.Bench.Scaling;

/// <summary>
/// The inputs of docs/performance.md's scaling table, each a function of its size only (no clock,
/// no random source), for the same N-bridge host as <see cref="ReachDockerHost"/>: network nNNNN on
/// bridge <see cref="ReachDockerHost.Bridge"/> with subnet <see cref="ReachDockerHost.Subnet"/>, one
/// running container cNNNN at .2 on each.
/// </summary>
public static class ScaleInputs
{
    public static string Network(int i) => $"n{i:D5}";

    public static string Container(int i) => $"c{i:D5}";

    private static string Net(int i) => ReachDockerHost.Subnet(i).ToString().Split('/')[0];

    private static string Host(int i, int last) => Net(i)[..Net(i).LastIndexOf('.')] + "." + last.ToString(CultureInfo.InvariantCulture);

    private static string Hex(int i, char kind) => $"{kind}{i:x63}";

    /// <summary><c>docker network inspect</c> then <c>docker inspect</c> of the N networks and their containers, as one array.</summary>
    public static string DockerJson(int networks)
    {
        var json = new StringBuilder("[\n");
        for (var i = 0; i < networks; i++)
            json.Append(CultureInfo.InvariantCulture, $$$"""
                {"Name": "{{{Network(i)}}}", "Id": "{{{Hex(i, 'a')}}}", "Driver": "bridge",
                 "IPAM": {"Config": [{"Subnet": "{{{ReachDockerHost.Subnet(i)}}}", "Gateway": "{{{Host(i, 1)}}}"}]},
                 "Options": {"com.docker.network.bridge.name": "{{{ReachDockerHost.Bridge(i)}}}"}},

                """);
        for (var i = 0; i < networks; i++)
            json.Append(CultureInfo.InvariantCulture, $$$"""
                {"Name": "/{{{Container(i)}}}", "Id": "{{{Hex(i, 'b')}}}", "State": {"Running": true},
                 "HostConfig": {"NetworkMode": "{{{Network(i)}}}"},
                 "NetworkSettings": {"Networks": {"{{{Network(i)}}}": {"NetworkID": "{{{Hex(i, 'a')}}}", "IPAddress": "{{{Host(i, 2)}}}"}}{{{"}}" + (i + 1 < networks ? "," : "")}}}

                """);
        return json.Append("]\n").ToString();
    }

    /// <summary>
    /// A policy of <paramref name="statements"/> statements over the N networks: mostly <c>allow A -> B tcp/P</c>
    /// between networks, and a network block (icc off, one container pair) every 50th, one per network.
    /// </summary>
    public static string Policy(int statements, int networks)
    {
        var text = new StringBuilder("# generated: bench scale policy\n");
        for (var s = 0; s < statements; s++)
        {
            var a = s % networks;
            var b = (int)((s * 7919L + 1) % networks);
            if (b == a) b = (b + 1) % networks;
            if (s % 50 == 49 && s / 50 < networks)
                text.Append(CultureInfo.InvariantCulture, $"network {Network(s / 50)} {{ icc off; allow {Container(s / 50)} -> {Container(s / 50)} tcp/{1000 + s % 60000}; }}\n");
            else
                text.Append(CultureInfo.InvariantCulture, $"allow {Network(a)} -> {Network(b)} tcp/{1000 + s % 60000}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>nft -j list ruleset</c> of the N-bridge host as iptables-nft (or Docker 29's nft backend)
    /// lists it: the ip filter and nat tables with the classic chains, native expressions only.
    /// </summary>
    public static string NftJson(int bridges)
    {
        var json = new StringBuilder("{\"nftables\": [\n");
        json.Append("{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": \"Lester Gooch #5\", \"json_schema_version\": 1}},\n");
        var handle = 0;
        void Obj(string text) => json.Append(text).Append(",\n");
        void Table(string name) => Obj($$$"""{"table": {"family": "ip", "name": "{{{name}}}", "handle": {{{++handle}}}}}""");
        void Base(string table, string name, string hook, int prio, string policy) => Obj(
            $$$"""{"chain": {"family": "ip", "table": "{{{table}}}", "name": "{{{name}}}", "handle": {{{++handle}}}, "type": "{{{(table == "nat" ? "nat" : "filter")}}}", "hook": "{{{hook}}}", "prio": {{{prio}}}, "policy": "{{{policy}}}"}}""");
        void Chain(string table, string name) => Obj($$$"""{"chain": {"family": "ip", "table": "{{{table}}}", "name": "{{{name}}}", "handle": {{{++handle}}}}}""");
        void Rule(string table, string chain, params string[] expr) => Obj(
            $$$"""{"rule": {"family": "ip", "table": "{{{table}}}", "chain": "{{{chain}}}", "handle": {{{++handle}}}, "expr": [{{{string.Join(", ", expr)}}}]}}""");
        static string If(string key, string name, bool not = false) =>
            $$$"""{"match": {"op": "{{{(not ? "!=" : "==")}}}", "left": {"meta": {"key": "{{{key}}}"}}, "right": "{{{name}}}"}}""";
        static string Saddr(int i) =>
            $$$"""{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "{{{Net(i)}}}", "len": 24}}{{{"}}"}}}""";
        const string Counter = """{"counter": {"packets": 0, "bytes": 0}}""";
        const string Established = """{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}""";
        static string Jump(string chain) => $$$"""{"jump": {"target": "{{{chain}}}"}}""";

        Table("filter");
        Base("filter", "FORWARD", "forward", 0, "drop");
        foreach (var c in new[] { "DOCKER", "DOCKER-USER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2" }) Chain("filter", c);
        Rule("filter", "FORWARD", Counter, Jump("DOCKER-USER"));
        Rule("filter", "FORWARD", Counter, Jump("DOCKER-ISOLATION-STAGE-1"));
        for (var i = 0; i < bridges; i++)
        {
            var br = ReachDockerHost.Bridge(i);
            Rule("filter", "FORWARD", If("oifname", br), Established, Counter, """{"accept": null}""");
            Rule("filter", "FORWARD", If("oifname", br), Counter, Jump("DOCKER"));
            Rule("filter", "FORWARD", If("iifname", br), If("oifname", br, not: true), Counter, """{"accept": null}""");
            Rule("filter", "FORWARD", If("iifname", br), If("oifname", br), Counter, """{"accept": null}""");
            Rule("filter", "DOCKER-ISOLATION-STAGE-1", If("iifname", br), If("oifname", br, not: true), Counter, Jump("DOCKER-ISOLATION-STAGE-2"));
            Rule("filter", "DOCKER-ISOLATION-STAGE-2", If("oifname", br), Counter, """{"drop": null}""");
            if (i % 10 == 0)
                Rule("filter", "DOCKER",
                    $$$"""{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "{{{Host(i, 2)}}}"}}""",
                    If("iifname", br, not: true), If("oifname", br),
                    """{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}""", Counter, """{"accept": null}""");
        }

        Rule("filter", "DOCKER-ISOLATION-STAGE-1", Counter, """{"return": null}""");
        Rule("filter", "DOCKER-ISOLATION-STAGE-2", Counter, """{"return": null}""");
        Rule("filter", "DOCKER-USER", Counter, """{"return": null}""");

        Table("nat");
        Base("nat", "PREROUTING", "prerouting", -100, "accept");
        Base("nat", "POSTROUTING", "postrouting", 100, "accept");
        Chain("nat", "DOCKER");
        Rule("nat", "PREROUTING", """{"match": {"op": "==", "left": {"fib": {"result": "type", "flags": ["daddr"]}}, "right": "local"}}""", Counter, Jump("DOCKER"));
        for (var i = 0; i < bridges; i++)
        {
            var br = ReachDockerHost.Bridge(i);
            Rule("nat", "POSTROUTING", Saddr(i), If("oifname", br, not: true), Counter, """{"masquerade": null}""");
            Rule("nat", "DOCKER", If("iifname", br), Counter, """{"return": null}""");
            if (i % 10 == 0)
                Rule("nat", "DOCKER", If("iifname", br, not: true),
                    $$$"""{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {{{8000 + i}}}}}""", Counter,
                    $$$"""{"dnat": {"addr": "{{{Host(i, 2)}}}", "port": 80}}""");
        }

        json.Length -= 2;
        return json.Append("\n]}\n").ToString();
    }
}
