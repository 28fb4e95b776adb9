using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// A server on three networks (oracle F10). A client on an internal network keeps its source address
/// (internal networks are not masqueraded), so the server answers it by its own route, from its
/// endpoint on the client's network: the reply is switched on that bridge, where icc=false drops it
/// and no ESTABLISHED accept exists, and the connection hangs. A client on an ordinary network is
/// masqueraded to the server network's gateway, answered there, and the reply comes back the way the
/// request went. The container matrix judges each reply on its real way, lists only the endpoint a
/// request leaves by, and traffic agrees.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class MultiHomedScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public MultiHomedScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_multi_homed_server_answers_from_the_clients_network_and_the_matrix_judges_the_reply_there()
    {
        lab.CreateNetwork("inner", "--internal", "--subnet", "172.31.40.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        lab.CreateNetwork("plain", "--subnet", "172.31.41.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        lab.CreateNetwork("back", "--subnet", "172.31.42.0/24");
        // Published: DOCKER's ACCEPT for the port lets the requests from the other networks in once isolation is skipped.
        traffic.EchoServer("server", ["--network", "back", "-p", "17586:7586"], 7586);
        lab.MustDocker("network", "connect", "inner", "server");
        lab.MustDocker("network", "connect", "plain", "server");
        traffic.EchoServer("inside", ["--network", "inner"], 80);
        traffic.EchoServer("client", ["--network", "plain"], 80);
        var back = traffic.Ip("server", "back");
        // As the oracle's tamper did: isolation skipped, so the requests reach the server's address on back.
        lab.MustInLab("iptables", "-I", "DOCKER-ISOLATION-STAGE-1", "1", "-j", "RETURN");
        try
        {
            var audit = LabAudit.Of(lab, "--containers");
            var matrix = audit.Root.GetProperty("containers_reachability").EnumerateArray().ToList();

            var hung = Row(matrix, "inside", back, audit.Json);
            Assert.True(hung.GetProperty("verdict").GetString() == "partial"
                && hung.GetProperty("flows").EnumerateArray().All(f => f.GetProperty("kind").GetString() == "one-way")
                && hung.GetProperty("reply_way").GetString()?.Contains("switched on", StringComparison.Ordinal) == true,
                $"inside -> server at {back}: the reply switched on inner dies there\n{hung}\n{lab.MustInLab("iptables", "-S")}");
            var completes = Row(matrix, "client", back, audit.Json);
            Assert.True(completes.GetProperty("verdict").GetString() == "allowed" && completes.GetProperty("reply_way").ValueKind == JsonValueKind.Null,
                $"client -> server at {back}: masqueraded, answered the way it came\n{completes}");

            // The server's request to a client leaves by its endpoint on the client's network only.
            var clientIp = traffic.Ip("client", "plain");
            Assert.Equal(["plain"], matrix.Where(e => e.GetProperty("from").GetString() == "server" && e.GetProperty("to_address").GetString() == clientIp)
                .Select(e => e.GetProperty("from_network").GetString()));

            var probes = Traffic.All(() => traffic.Connects("inside", back, 7586), () => traffic.Connects("client", back, 7586));
            Assert.Equal([false, true], probes);
        }
        finally
        {
            lab.MustInLab("iptables", "-D", "DOCKER-ISOLATION-STAGE-1", "-j", "RETURN");
        }
    }

    [LabFact]
    public void The_network_matrix_judges_a_multi_homed_servers_replies_where_it_sends_them()
    {
        // inner -> back opened both ways in DOCKER-USER: judged on the request's way back, "allowed".
        // server (back, also on inner) answers inner's containers from its inner endpoint: the reply
        // is switched on br-inner, where the internal network's isolation and icc=false drop it. other
        // (back only) answers through back, and the reply comes back the way the request went.
        lab.CreateNetwork("inner", "--internal", "--subnet", "172.31.40.0/24", "-o", "com.docker.network.bridge.enable_icc=false");
        lab.CreateNetwork("back", "--subnet", "172.31.42.0/24");
        var (inner, back) = (lab.BridgeOf("inner"), lab.BridgeOf("back"));
        traffic.EchoServer("server", ["--network", "back"], 7586);
        lab.MustDocker("network", "connect", "inner", "server");
        traffic.EchoServer("other", ["--network", "back"], 7586);
        traffic.EchoServer("inside", ["--network", "inner"], 80);
        var serverIp = traffic.Ip("server", "back");
        var otherIp = traffic.Ip("other", "back");
        string[] there = ["-i", inner, "-o", back, "-j", "ACCEPT"], andBack = ["-i", back, "-o", inner, "-j", "ACCEPT"];
        lab.MustInLab(["iptables", "-I", "DOCKER-USER", "1", .. there]);
        lab.MustInLab(["iptables", "-I", "DOCKER-USER", "2", .. andBack]);
        try
        {
            var audit = LabAudit.Of(lab);
            var pair = Oracle.MatrixJson.Entries(audit.Root.GetProperty("reachability"))
                .Single(e => e.GetProperty("from").GetString() == "inner" && e.GetProperty("to").GetString() == "back");
            var flows = pair.GetProperty("flows").EnumerateArray().ToList();
            Assert.True(pair.GetProperty("verdict").GetString() == "partial"
                && flows.Any(f => f.GetProperty("kind").GetString() == "one-way" && f.GetProperty("destinations").GetString() == serverIp)
                && flows.Any(f => f.GetProperty("kind").GetString() == "connection" && f.GetProperty("destinations").GetString() != serverIp)
                && pair.TryGetProperty("reply_way", out var way) && way.GetString()?.Contains($"server at {serverIp} answers from its own endpoint on inner", StringComparison.Ordinal) == true,
                $"inner -> back: one-way to the server at {serverIp}, a connection to the rest\n{pair}\n{lab.MustInLab("iptables", "-S")}");

            var probes = Traffic.All(() => traffic.Connects("inside", serverIp, 7586), () => traffic.Connects("inside", otherIp, 7586));
            Assert.Equal([false, true], probes);
        }
        finally
        {
            lab.MustInLab(["iptables", "-D", "DOCKER-USER", .. there]);
            lab.MustInLab(["iptables", "-D", "DOCKER-USER", .. andBack]);
        }
    }

    private static JsonElement Row(List<JsonElement> matrix, string from, string to, string json) =>
        matrix.SingleOrDefault(e => e.GetProperty("from").GetString() == from && e.GetProperty("to_address").GetString() == to) is { ValueKind: JsonValueKind.Object } row
            ? row
            : throw new Xunit.Sdk.XunitException($"no row {from} -> {to}:\n{json}");
}
