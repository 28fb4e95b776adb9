using System.Globalization;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>
/// Oracle F46 across hosts, real: the routed setup (<see cref="FleetLab"/>: a routes b's subnet via b's
/// underlay address) plus a point-to-point VXLAN (<see cref="PortDevice"/>) that is a port of each
/// host's docker0 (the gretap; this kernel has no GRE), and b routing a's subnet onto its own
/// docker0 instead of via a: b's replies to a's containers cross the tunnel port into a's docker0 and
/// are switched to the container, and a's requests still go routed over under0. a's
/// bridge-nf-call-iptables is 0 (in a's namespace: br_netfilter's switches are per network namespace
/// since Linux 5.3, and the bridge's own <c>nf_call_iptables</c> can only add filtering, never take it
/// away), so a's IP layer, conntrack and iptables never see the frames it switches. The underlay runs at
/// MTU 1550 so that the tunnel port carries the containers' 1500 bytes (no DFW775 beside the question).
/// </summary>
public sealed class AsymmetricReplyFleetLab : FleetLab
{
    /// <summary>The VXLAN bridged into each docker0 (VNI 16, udp/4789 between the underlay addresses).</summary>
    public const string PortDevice = "vxlan0";

    /// <summary>The rule of a's FORWARD that makes a's conntrack matter: firewalld's and many admins' first rule.</summary>
    public static readonly string[] InvalidDrop = ["FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"];

    public AsymmetricReplyFleetLab()
        : base(FleetTransport.Routes)
    {
        if (!LabDaemon.IsRoot) return;
        try
        {
            foreach (var (host, port) in new[] { (A, "ula"), (B, "ulb") })
            {
                host.MustInLab("ip", "link", "set", "under0", "mtu", "1550");
                Processes.Must("ip", "-n", Underlay, "link", "set", port, "mtu", "1550");
            }

            Port(A, UnderA, UnderB);
            Port(B, UnderB, UnderA);
            B.MustInLab("ip", "route", "replace", SubnetA, "dev", "docker0", "scope", "link");
            SetBridgeNfOnA(false);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>a's <c>net.bridge.bridge-nf-call-iptables</c>, in a's namespace only.</summary>
    public void SetBridgeNfOnA(bool on) =>
        A.MustInLab("sysctl", "-qw", $"net.bridge.bridge-nf-call-iptables={(on ? 1 : 0)}");

    /// <summary>Runs <paramref name="body"/> with <see cref="InvalidDrop"/> first in a's FORWARD, removed after, whatever happens.</summary>
    public void WithInvalidDropOnA(Action body)
    {
        A.MustInLab(["iptables", "-I", .. InvalidDrop[..1], "1", .. InvalidDrop[1..]]);
        try
        {
            body();
        }
        finally
        {
            A.MustInLab(["iptables", "-D", .. InvalidDrop]);
        }
    }

    /// <summary>web's and db's network namespaces, for <see cref="ConnectionProbe"/>.</summary>
    public string WebNetns => NetnsOf(A, "web");

    public string DbNetns => NetnsOf(B, "db");

    private static void Port(FleetHostDaemon host, string local, string remote)
    {
        // The MTU follows under0's (1550) less the 50 bytes of VXLAN: 1500.
        host.MustInLab("ip", "link", "add", PortDevice, "type", "vxlan", "id", "16", "remote", remote, "local", local,
            "dstport", VxlanPort.ToString(CultureInfo.InvariantCulture), "dev", "under0");
        host.MustInLab("ip", "link", "set", PortDevice, "master", "docker0");
        host.MustInLab("ip", "link", "set", PortDevice, "up");
    }
}
