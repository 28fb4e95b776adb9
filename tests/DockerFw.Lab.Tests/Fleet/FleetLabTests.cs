using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// `dockerfw fleet` on real hosts (<see cref="FleetLab"/>): both captured with `dockerfw capture
/// --netns`, judged together, and every claim of every cell checked against a real ping from the
/// sender's container; the masquerade claim against the source the receiver really saw (a counting
/// rule in its mangle table, added after the capture). Each tampering is undone in a finally.
/// </summary>
public sealed class FleetLabTests(FleetLab lab) : IClassFixture<FleetLab>, IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-fleet-lab-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [LabFact]
    public void The_routed_setup_is_reachable_both_ways_unmasqueraded_and_the_pings_agree()
    {
        var fleet = Fleet();

        Assert.Equal(0, fleet.Exit);
        Assert.Equal(["reachable", "reachable"], Outcomes(fleet, "networks"));
        Assert.Equal(["reachable", "reachable"], Outcomes(fleet, "containers"));
        Assert.All(Cells(fleet, "containers"), c => Assert.False(c.GetProperty("masqueraded").GetBoolean()));
        Assert.Equal("routed", Cells(fleet, "networks")[0].GetProperty("way").GetProperty("kind").GetString());
        CheckAgainstPings(fleet);
        Assert.Equal((FromContainers: 1, FromHost: 0), SourcesSeenByB());
    }

    [LabFact]
    public void Without_the_nat_exception_a_masquerades_and_b_sees_a_underlay_address()
    {
        var letIn = lab.LetIn(FleetLab.SubnetA).Split(' ');
        var except = FleetLab.Unmasqueraded(FleetLab.SubnetA, FleetLab.SubnetB).Split(' ');
        lab.A.MustInLab(["iptables", "-t", "nat", "-D", "POSTROUTING", .. except]);
        lab.B.MustInLab(["iptables", "-R", "DOCKER-USER", "1", "-i", lab.PeerDevice, "-o", "docker0", "-j", "ACCEPT"]);
        try
        {
            var fleet = Fleet();

            Assert.Equal(1, fleet.Exit);
            var cell = Cells(fleet, "containers").Single(c => c.GetProperty("from_host").GetString() == "a");
            Assert.Equal("reachable", cell.GetProperty("outcome").GetString());
            Assert.True(cell.GetProperty("masqueraded").GetBoolean());
            Assert.Contains("DFW772", Codes(fleet));
            CheckAgainstPings(fleet);
            Assert.Equal((FromContainers: 0, FromHost: 1), SourcesSeenByB());
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-R", "DOCKER-USER", "1", .. letIn]);
            lab.A.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. except]);
        }
    }

    [LabFact]
    public void Without_b_allowing_a_in_b_forward_policy_drop_turns_a_away_and_only_that_way()
    {
        var letIn = lab.LetIn(FleetLab.SubnetA).Split(' ');
        lab.B.MustInLab(["iptables", "-D", "DOCKER-USER", .. letIn]);
        try
        {
            var fleet = Fleet();

            var cell = Cells(fleet, "containers").Single(c => c.GetProperty("from_host").GetString() == "a");
            Assert.Equal("blocked", cell.GetProperty("outcome").GetString());
            var decision = cell.GetProperty("parts")[0].GetProperty("decisions").EnumerateArray().Last();
            Assert.Equal(("b", "receiver_forward", "the policy DROP of filter/FORWARD"),
                (decision.GetProperty("host").GetString(), decision.GetProperty("stage").GetString(), decision.GetProperty("rule").GetString()));
            Assert.Equal(["DFW773"], Codes(fleet));
            CheckAgainstPings(fleet);
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-I", "DOCKER-USER", .. letIn]);
        }
    }

    [LabFact]
    public void Without_a_route_to_b_a_sends_to_its_default_router_which_is_undecided_and_without_that_nowhere()
    {
        lab.A.MustInLab("ip", "route", "del", FleetLab.SubnetB);
        try
        {
            // a's default route leads to its outside namespace, a router no bundle shows.
            var fleet = Fleet();

            Assert.Equal(["uncertain", "uncertain"], Outcomes(fleet, "containers"));
            Assert.All(Cells(fleet, "networks"), c => Assert.Contains("198.51.100.1", c.GetProperty("parts")[0].GetProperty("reason").GetString()));
            Assert.Equal(["DFW776", "DFW776"], Codes(fleet));
            Assert.False(FleetLab.Ping(lab.A, "web", lab.DbAddress));

            lab.A.MustInLab("ip", "route", "del", "default");
            fleet = Fleet();

            Assert.Equal(["blocked", "blocked"], Outcomes(fleet, "containers"));
            Assert.Equal("no_route", Cells(fleet, "networks").Single(c => c.GetProperty("from_host").GetString() == "a").GetProperty("way").GetProperty("kind").GetString());
            Assert.Equal(["DFW771", "DFW771"], Codes(fleet));
            CheckAgainstPings(fleet);
        }
        finally
        {
            if (!lab.A.InLab("ip", "route", "show", "default").Out.Contains("default", StringComparison.Ordinal))
                lab.A.MustInLab("ip", "route", "add", "default", "via", Lab.LabDaemon.OutsideAddress);
            lab.RouteToB();
        }
    }

    [LabFact]
    public void Overlapping_bips_keep_each_hosts_packets_home_and_nothing_crosses_the_underlay()
    {
        // b restarted on a's subnet; its route to a's subnet would now shadow its own bridge's.
        lab.B.MustInLab("ip", "route", "del", FleetLab.SubnetA);
        lab.B.Bip = "10.103.100.1/24";
        lab.B.Restart();
        try
        {
            lab.B.MustDocker("start", "db");
            var db = lab.B.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db");
            var fleet = Fleet();

            Assert.Equal(["DFW770"], Codes(fleet));
            Assert.All(Cells(fleet, "containers"), c => Assert.Equal(("blocked", "own_bridge"),
                (c.GetProperty("outcome").GetString(), c.GetProperty("way").GetProperty("kind").GetString())));
            // A ping to the peer's address may well be answered (by a container at home with that
            // address): what the claim says is that nothing reaches the other host.
            Assert.Equal(0, ArrivalsOn(lab.B, () => FleetLab.Ping(lab.A, "web", db)));
            Assert.Equal(0, ArrivalsOn(lab.A, () => FleetLab.Ping(lab.B, "db", lab.WebAddress)));
        }
        finally
        {
            lab.B.Bip = "10.103.200.1/24";
            lab.B.Restart();
            lab.B.MustDocker("start", "db");
            lab.RouteToA();
        }

        Assert.Equal(lab.DbAddress, lab.B.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db"));
    }

    /// <summary>The ICMP packets that arrive on a host's underlay device while <paramref name="traffic"/> runs.</summary>
    private static int ArrivalsOn(FleetHostDaemon host, Action traffic) =>
        FleetLabRuns.Count(host, "PREROUTING", ["-i", "under0", "-p", "icmp"], traffic);

    private FleetRun Fleet() => FleetLabRuns.Fleet(lab, folder);

    /// <summary>
    /// Every container cell against a real ping from its sender: reachable claims must answer, blocked
    /// ones must not; any other outcome in this lab is a wrong answer.
    /// </summary>
    private void CheckAgainstPings(FleetRun fleet)
    {
        foreach (var cell in Cells(fleet, "containers"))
        {
            var (host, container, address) = cell.GetProperty("from_host").GetString() == "a"
                ? (lab.A, "web", lab.DbAddress) : (lab.B, "db", lab.WebAddress);
            var outcome = cell.GetProperty("outcome").GetString();
            Assert.True(outcome is "reachable" or "blocked", $"{cell}\n{fleet.Text}");
            var answered = FleetLab.Ping(host, container, address) || FleetLab.Ping(host, container, address);
            Assert.True(answered == (outcome == "reachable"),
                $"fleet says {cell.GetProperty("from").GetString()} -> {cell.GetProperty("to").GetString()} is {outcome}, but a ping {(answered ? "got" : "got no")} answer\n{fleet.Text}");
        }
    }

    /// <summary>Pings web -> db once and counts, on b, the echo requests that arrived from a's containers and from a itself.</summary>
    private (int FromContainers, int FromHost) SourcesSeenByB()
    {
        string[] containers = ["-i", "under0", "-s", FleetLab.SubnetA, "-p", "icmp", "-m", "comment", "--comment", "fleet-from-containers"];
        string[] host = ["-i", "under0", "-s", FleetLab.UnderA, "-p", "icmp", "-m", "comment", "--comment", "fleet-from-host"];
        lab.B.MustInLab(["iptables", "-t", "mangle", "-A", "PREROUTING", .. containers]);
        lab.B.MustInLab(["iptables", "-t", "mangle", "-A", "PREROUTING", .. host]);
        try
        {
            FleetLab.Ping(lab.A, "web", lab.DbAddress);
            var listing = lab.B.MustInLab("iptables", "-t", "mangle", "-L", "PREROUTING", "-v", "-x", "-n");
            int Count(string comment) => int.Parse(listing.Split('\n').Single(l => l.Contains(comment, StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
            return (Count("fleet-from-containers"), Count("fleet-from-host"));
        }
        finally
        {
            lab.B.MustInLab(["iptables", "-t", "mangle", "-D", "PREROUTING", .. containers]);
            lab.B.MustInLab(["iptables", "-t", "mangle", "-D", "PREROUTING", .. host]);
        }
    }

    private static List<JsonElement> Cells(FleetRun fleet, string matrix) => fleet.Cells(matrix);

    private static List<string> Outcomes(FleetRun fleet, string matrix) => fleet.Outcomes(matrix);

    private static List<string> Codes(FleetRun fleet) => fleet.Codes();
}
