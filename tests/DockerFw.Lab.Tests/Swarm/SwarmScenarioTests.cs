using System.Text.Json;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Swarm;

/// <summary>
/// Swarm mode judged on each host and confirmed by traffic across the VXLAN: as Docker sets it up,
/// every swarm port is open and a container on B reaches one on A; with udp/4789 dropped in B's INPUT,
/// the audit of B says the overlay's VXLAN is blocked on the way in (DFW250, naming the rule) and the
/// containers no longer reach each other.
/// </summary>
[Collection(SwarmLabCollection.Name)]
public sealed class SwarmScenarioTests(SwarmLab swarm)
{
    private static JsonElement Vxlan(LabAudit audit, string direction) =>
        audit.Root.GetProperty("overlay").GetProperty("ports").EnumerateArray()
            .Single(p => p.GetProperty("network").GetString() == SwarmLab.Network && p.GetProperty("direction").GetString() == direction);

    [LabFact]
    public void As_docker_sets_it_up_the_audit_finds_every_swarm_port_open_and_the_containers_reach_each_other()
    {
        var a = LabAudit.Of(swarm.A);
        var b = LabAudit.Of(swarm.B);

        var node = b.Root.GetProperty("overlay").GetProperty("node");
        Assert.Equal(SwarmLab.AddressB, node.GetProperty("address").GetString());
        Assert.Contains(SwarmLab.AddressA, node.GetProperty("peers").EnumerateArray().Select(p => p.GetString()));
        Assert.True(a.Root.GetProperty("overlay").GetProperty("node").GetProperty("manager").GetBoolean());
        foreach (var audit in new[] { a, b })
        {
            Assert.All(audit.Root.GetProperty("overlay").GetProperty("ports").EnumerateArray(), p => Assert.Equal("open", p.GetProperty("verdict").GetString()));
            Assert.DoesNotContain(audit.Codes, c => c.StartsWith("DFW25", StringComparison.Ordinal));
            Assert.DoesNotContain(audit.Root.GetProperty("notices").EnumerateArray(), n => n.GetString()!.StartsWith("not judged", StringComparison.Ordinal));
        }

        Assert.True(swarm.Reaches(), "cb does not reach ca across the VXLAN although every swarm port is open");
    }

    [LabFact]
    public void Udp_4789_dropped_in_one_hosts_input_is_claimed_blocked_there_and_breaks_the_overlay()
    {
        swarm.B.MustInLab("iptables", "-I", "INPUT", "-p", "udp", "--dport", "4789", "-j", "DROP");
        try
        {
            var b = LabAudit.Of(swarm.B);
            var a = LabAudit.Of(swarm.A);

            var blocked = Vxlan(b, "in");
            Assert.Equal("blocked", blocked.GetProperty("verdict").GetString());
            Assert.Equal("-A INPUT -p udp -m udp --dport 4789 -j DROP", Assert.Single(blocked.GetProperty("decided_by").EnumerateArray()).GetProperty("text").GetString());
            Assert.Contains(b.Findings("DFW250"), f => LabAudit.Names(f, "networks").Contains(SwarmLab.Network));
            Assert.Equal("open", Vxlan(b, "out").GetProperty("verdict").GetString());
            // A's rules are untouched: a single host's audit cannot see B's drop (the fleet audit joins them).
            Assert.Equal("open", Vxlan(a, "in").GetProperty("verdict").GetString());
            Assert.False(swarm.Reaches(), "cb still reaches ca although B drops the VXLAN that carries ca's replies");
        }
        finally
        {
            swarm.B.MustInLab("iptables", "-D", "INPUT", "-p", "udp", "--dport", "4789", "-j", "DROP");
        }

        Assert.True(swarm.Reaches(), "the overlay did not come back once the drop was removed");
    }
}
