using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>
/// Oracle F14 (seed 3043) and F19 (seed 3412) with real IPv6 traffic: Docker 20.10 writes no
/// ip6tables rules, so every IPv6 packet between two dual-stack networks passes the rules; but Docker
/// takes a container's default routes from one endpoint, a network that is not internal first, so a
/// server on an IPv4-only network and an internal dual-stack one has no IPv6 default route and never
/// answers another network's IPv6 clients. The IPv6 matrix says so (one-way to it, and reply_way
/// why); a server also on the client's network answers from there and connects; a server only on
/// the internal network has both default routes through it and answers.
/// </summary>
[Collection(DefaultLabCollection.Name)]
public sealed class Ipv6ReplyRouteScenarioTests
{
    private readonly DefaultLab lab;
    private readonly Traffic traffic;

    public Ipv6ReplyRouteScenarioTests(DefaultLab lab)
    {
        this.lab = lab;
        traffic = new Traffic(lab);
        if (LabDaemon.IsRoot) lab.Reset();
    }

    [LabFact]
    public void A_server_whose_only_IPv6_network_is_internal_never_answers_and_the_IPv6_matrix_says_one_way()
    {
        lab.CreateNetwork("front6", "--ipv6", "--subnet", "172.31.80.0/24", "--subnet", "fd00:dfa:80::/64");
        lab.CreateNetwork("inner6", "--internal", "--ipv6", "--subnet", "172.31.81.0/24", "--subnet", "fd00:dfa:81::/64");
        lab.CreateNetwork("plain4", "--subnet", "172.31.82.0/24");
        // lonely: IPv4 default route through plain4, IPv6 only on inner6 (internal): no IPv6 way back.
        traffic.EchoServer("lonely", ["--network", "plain4"], 7600);
        lab.MustDocker("network", "connect", "inner6", "lonely");
        // both: on inner6 and on the client's network, whose connected /64 it answers from.
        traffic.EchoServer("both", ["--network", "front6"], 7600);
        lab.MustDocker("network", "connect", "inner6", "both");
        traffic.EchoServer("client", ["--network", "front6"], 80);
        var (lonely, both) = (traffic.Ip6("lonely", "inner6"), traffic.Ip6("both", "inner6"));
        var routes = lab.MustDocker("exec", "lonely", "ip", "-6", "route");

        var audit = LabAudit.Of(lab);
        var pair = Oracle.MatrixJson.Entries(audit.Root.GetProperty("reachability_v6"))
            .Single(e => e.GetProperty("from").GetString() == "front6" && e.GetProperty("to").GetString() == "inner6");
        var flows = pair.GetProperty("flows").EnumerateArray().ToList();
        var settled = Settled(["client", "lonely", "both"]);
        var probes = Traffic.All(() => traffic.Connects("client", lonely, 7600), () => traffic.Connects("client", both, 7600));

        Assert.True(pair.GetProperty("verdict").GetString() == "partial"
            && flows.Where(f => f.GetProperty("kind").GetString() == "one-way").All(f => f.GetProperty("destinations").GetString() == lonely)
            && flows.Any(f => f.GetProperty("kind").GetString() == "one-way")
            && pair.GetProperty("reply_way").GetString()?.Contains($"lonely at {lonely} has no route back to front6's containers", StringComparison.Ordinal) == true,
            $"front6 -> inner6 over IPv6: one-way to lonely at {lonely} only\n{pair}\nlonely's IPv6 routes:\n{routes}");
        Assert.DoesNotContain("default", routes, StringComparison.Ordinal);
        Assert.True(probes is [false, true], $"lonely silent, both connects: [{string.Join(", ", probes)}] (addresses settled: {settled})");
    }

    [LabFact]
    public void A_server_only_on_an_internal_dual_stack_network_answers_another_networks_IPv6_clients()
    {
        lab.CreateNetwork("front6", "--ipv6", "--subnet", "172.31.80.0/24", "--subnet", "fd00:dfa:80::/64");
        lab.CreateNetwork("inner6", "--internal", "--ipv6", "--subnet", "172.31.81.0/24", "--subnet", "fd00:dfa:81::/64");
        traffic.EchoServer("alone", ["--network", "inner6"], 7600);
        traffic.EchoServer("client", ["--network", "front6"], 80);
        var alone = traffic.Ip6("alone", "inner6");
        var routes = lab.MustDocker("exec", "alone", "ip", "-6", "route");

        var audit = LabAudit.Of(lab);
        var pair = Oracle.MatrixJson.Entries(audit.Root.GetProperty("reachability_v6"))
            .Single(e => e.GetProperty("from").GetString() == "front6" && e.GetProperty("to").GetString() == "inner6");
        var settled = Settled(["client", "alone"]);
        var connects = traffic.Connects("client", alone, 7600);

        Assert.Contains("default via fd00:dfa:81::1", routes, StringComparison.Ordinal);
        Assert.True(connects, $"client -> [{alone}]:7600 should connect (addresses settled: {settled}; "
            + $"{lab.InLab("sysctl", "net.ipv6.conf.all.forwarding").Out.Trim()})\nalone's IPv6 routes:\n{routes}");
        Assert.True(pair.GetProperty("verdict").GetString() == "allowed"
            && !pair.GetProperty("flows").EnumerateArray().Any(f => f.GetProperty("kind").GetString() == "one-way"),
            $"front6 -> inner6 over IPv6 is allowed, with no one-way flow\n{pair}");
    }

    [LabFact]
    public void A_server_only_on_internal_networks_answers_as_the_network_it_joined_first_says_and_the_live_audit_reads_it()
    {
        // Oracle seed 4939: two internal networks are not ordered against each other, so the one joined
        // first gives both default routes, which Docker's view does not record; the live audit reads the
        // containers' own routes (/proc/PID/net/ipv6_route) and decides.
        lab.CreateNetwork("front6", "--ipv6", "--subnet", "172.31.80.0/24", "--subnet", "fd00:dfa:80::/64");
        lab.CreateNetwork("inner6", "--internal", "--ipv6", "--subnet", "172.31.81.0/24", "--subnet", "fd00:dfa:81::/64");
        lab.CreateNetwork("inner4", "--internal", "--subnet", "172.31.83.0/24");
        // first4 joined inner4 (IPv4 only) first, first6 inner6 (dual-stack).
        traffic.EchoServer("first4", ["--network", "inner4"], 7600);
        lab.MustDocker("network", "connect", "inner6", "first4");
        traffic.EchoServer("first6", ["--network", "inner6"], 7600);
        lab.MustDocker("network", "connect", "inner4", "first6");
        traffic.EchoServer("client", ["--network", "front6"], 80);
        var (first4, first6) = (traffic.Ip6("first4", "inner6"), traffic.Ip6("first6", "inner6"));
        var routes = $"first4: {lab.MustDocker("exec", "first4", "ip", "-6", "route")}\nfirst6: {lab.MustDocker("exec", "first6", "ip", "-6", "route")}";

        var audit = LabAudit.Of(lab);
        var pair = Oracle.MatrixJson.Entries(audit.Root.GetProperty("reachability_v6"))
            .Single(e => e.GetProperty("from").GetString() == "front6" && e.GetProperty("to").GetString() == "inner6");
        var flows = pair.GetProperty("flows").EnumerateArray().ToList();
        var settled = Settled(["client", "first4", "first6"]);
        var probes = Traffic.All(() => traffic.Connects("client", first4, 7600), () => traffic.Connects("client", first6, 7600));

        // Which answers is the kernel's business (here both: the dual-stack network gives both routes
        // whichever was joined first); the audit must say the same, decided, for each.
        var silent = new[] { first4, first6 }.Where((_, i) => !probes[i]).ToList();
        Assert.True(!(pair.TryGetProperty("reply_way", out var way) && (way.GetString() ?? "").Contains("joined first", StringComparison.Ordinal))
            && !flows.Any(Oracle.FlowMatch.Possible)
            && flows.Where(f => f.GetProperty("kind").GetString() == "one-way").Select(f => f.GetProperty("destinations").GetString()).Distinct().SequenceEqual(silent),
            $"front6 -> inner6 over IPv6: decided, one-way to [{string.Join(", ", silent)}] only (probes [{string.Join(", ", probes)}], addresses settled: {settled})\n{pair}\n{routes}");
    }

    /// <summary>Until no IPv6 address of the lab host or of the containers is tentative (<see cref="AddressSettling"/>).</summary>
    private bool Settled(string[] containers) =>
        AddressSettling.Wait([() => lab.InLab(AddressSettling.Listing).Out,
            // The host's ip in the container's namespace: busybox's has no JSON.
            .. containers.Select(c => AddressSettling.In($"/proc/{lab.MustDocker("inspect", "-f", "{{.State.Pid}}", c).Trim()}/ns/net"))]);
}
