using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// A host's second pass asks for its legs without going through every cell of the fleet: as the
/// sender (<see cref="SenderLegs"/>) from its routes alone, as the receiver only from the senders
/// whose way may reach it (<see cref="FleetPlan.CellsTo"/>). Both must ask exactly what the cells it
/// sends and receives ask (<see cref="HostLegs.Requests"/>), in every setup: routed, over a tunnel,
/// swarm nodes on one subnet, a route to a router outside the fleet, a missing route, overlapping subnets.
/// </summary>
public sealed class FleetPlanTests
{
    public static TheoryData<string, string> Fleets => new()
    {
        { "routed", "as set up" },
        { "gre", "as set up" },
        { "swarm", "as set up" },
        { "routed", "a routes b's subnet to a router outside the fleet" },
        { "routed", "a has no route to b's subnet" },
        { "routed", "both hosts on 172.17.0.0/16" },
        { "gre", "a's tunnel leads to an address of no host" },
    };

    [Theory]
    [MemberData(nameof(Fleets))]
    public void A_senders_legs_are_those_of_every_cell_it_sends(string scenario, string setup)
    {
        var plan = Plan(scenario, setup);

        foreach (var sender in plan.Hosts)
        {
            var ofCells = AllCells(plan).Where(c => c.Sender.Name == sender.Name)
                .SelectMany(c => HostLegs.Requests(c, sender.Name)).Select(r => r.Request).ToList();
            Assert.Equal(ofCells, SenderLegs.Of(plan, sender));
        }
    }

    [Theory]
    [MemberData(nameof(Fleets))]
    public void A_receivers_legs_are_those_of_every_cell_it_receives(string scenario, string setup)
    {
        var plan = Plan(scenario, setup);

        foreach (var receiver in plan.Hosts)
        {
            var ofCells = AllCells(plan).Where(c => c.Receiver.Name == receiver.Name)
                .SelectMany(c => HostLegs.Requests(c, receiver.Name)).Select(r => r.Request).ToList();
            var asked = plan.CellsTo(receiver.Name).SelectMany(c => HostLegs.Requests(c, receiver.Name)).Select(r => r.Request).ToList();
            Assert.Equal(ofCells.Order(ByText), asked.Order(ByText));
        }
    }

    [Fact]
    public void A_host_no_sender_routes_to_receives_no_cell()
    {
        var plan = Plan("routed", "a routes b's subnet to a router outside the fleet");

        Assert.Empty(plan.CellsTo("b"));
        Assert.NotEmpty(plan.CellsTo("a"));
    }

    private static readonly Comparer<LegRequest> ByText = Comparer<LegRequest>.Create((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()));

    private static IEnumerable<CellSpec> AllCells(FleetPlan plan) => plan.Cells(CellKind.Network).Concat(plan.Cells(CellKind.Container));

    private static FleetPlan Plan(string scenario, string setup)
    {
        Tamper[] tampers = setup switch
        {
            "as set up" => [],
            "a routes b's subnet to a router outside the fleet" => [Replace("a", "ip-route-v4.json", "\"gateway\": \"192.168.77.2\"", "\"gateway\": \"192.168.77.254\"")],
            "a has no route to b's subnet" => [Replace("a", "ip-route-v4.json", "\"dst\": \"10.103.200.0/24\"", "\"dst\": \"10.103.250.0/24\"")],
            "both hosts on 172.17.0.0/16" =>
            [
                new("a", "docker.json", t => t.Replace("10.103.100.0/24", "172.17.0.0/16").Replace("10.103.100.1", "172.17.0.1")),
                new("b", "docker.json", t => t.Replace("10.103.200.0/24", "172.17.0.0/16").Replace("10.103.200.1", "172.17.0.1")),
                Replace("a", "ip-route-v4.json", "10.103.100.0/24", "172.17.0.0/16"), Replace("b", "ip-route-v4.json", "10.103.200.0/24", "172.17.0.0/16"),
            ],
            "a's tunnel leads to an address of no host" => [new("a", "ip-link.json", t => t.Replace("\"remote\": \"192.168.77.2\"", "\"remote\": \"192.168.77.254\""))],
            _ => throw new ArgumentException(setup),
        };
        return new FleetPlan([.. new[] { "a", "b" }.Select(n => FleetFixture.Host(scenario, n, tampers).Summary())]);
    }
}
