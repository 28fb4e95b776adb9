using DockerFw.Core.Fleet;
using static DockerFw.Core.Tests.Fleet.FleetFixture;

namespace DockerFw.Core.Tests.Fleet;

/// <summary>
/// DFW772's remedy (except the peer's subnet from the MASQUERADE) changes where the replies go: to the
/// container's own address, by the receiver's route to it, not to the sender's underlay address. Where
/// that way does not lead back, or brings the replies into the sender's bridge past its conntrack
/// (oracle F46 across hosts, <see cref="ReplySight"/>), the remedy alone costs connections, so it says
/// what to do first. The fleet lab's AsymmetricReplyFleetLabTests show it with real packets: masqueraded,
/// web -> db's TCP passes a's INVALID drop; with the exception, the same rules kill it.
/// </summary>
public sealed class MasqueradeRemedyTests
{
    private const string BridgeNf = "net.bridge.bridge-nf-call-iptables";

    // a masquerades its containers toward b; b lets any source in from the underlay.
    private static readonly Tamper[] Masquerading =
    [
        Without("a", "-A POSTROUTING -s 10.103.100.0/24 -d 10.103.200.0/24 -j RETURN"),
        Replace("b", "iptables-save.txt", "-A DOCKER-USER -s 10.103.100.0/24 -i under0 -o docker0 -j ACCEPT", "-A DOCKER-USER -i under0 -o docker0 -j ACCEPT"),
    ];

    private static string Remedy(params Tamper[] tampers) =>
        Assert.Single(Run("routed", tampers).Findings, f => f.Code == FleetCodes.CrossHostMasqueraded && f.Message.StartsWith("a/", StringComparison.Ordinal)).Message;

    [Fact]
    public void Where_b_routes_the_containers_replies_onto_its_bridge_past_as_conntrack_the_remedy_says_to_let_a_see_them_first()
    {
        var message = Remedy(FleetAsymmetricReplyTests.Asymmetric([.. Masquerading, Sysctl("a", BridgeNf, "0")]));

        Assert.EndsWith("-j RETURN; but then b sends the replies back bridged into a's docker0 ('10.103.100.0/24 dev docker0 table main' onto b's bridge docker0, whose port gt0 reaches it), "
            + "past a's conntrack (bridge-nf-call-iptables is 0 on a), which saw the requests routed: the connections stay unreplied there, so their later packets are INVALID (TCP) or NEW: "
            + "let a's conntrack see them first (sysctl net.bridge.bridge-nf-call-iptables=1 on a)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_as_conntrack_sees_the_switched_replies_or_b_routes_them_to_a_the_remedy_is_the_exception_alone()
    {
        Assert.EndsWith("-j RETURN", Remedy(FleetAsymmetricReplyTests.Asymmetric([.. Masquerading, Sysctl("a", BridgeNf, "1")])), StringComparison.Ordinal);
        Assert.EndsWith("-j RETURN", Remedy(Masquerading), StringComparison.Ordinal);
    }

    [Fact]
    public void Where_b_has_no_route_to_as_containers_the_remedy_says_to_add_one_first()
    {
        // b answers the masqueraded 192.168.77.1 on its underlay, but has no route to 10.103.100.0/24.
        var message = Remedy([.. Masquerading, Replace("b", "ip-route-v4.json", "\"dst\": \"10.103.100.0/24\"", "\"dst\": \"10.103.150.0/24\"")]);

        Assert.EndsWith("-j RETURN; but the replies to the containers' own addresses would not come back (b has no route to 10.103.100.2): route b's replies to 10.103.100.0/24 to a first",
            message, StringComparison.Ordinal);
    }
}
