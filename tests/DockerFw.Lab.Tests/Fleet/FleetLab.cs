using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Fleet;

/// <summary>A dockerd "host" of the fleet lab: docker0 on its own <c>--bip</c>.</summary>
public sealed class FleetHostDaemon(string bip) : LabDaemon
{
    /// <summary>docker0's address; a change takes effect at the next <see cref="LabDaemon.Restart"/>.</summary>
    public string Bip { get; set; } = bip;

    protected override IEnumerable<string> DaemonFlags => ["--bip", Bip];
}

/// <summary>
/// The routed setup, real: host a (docker0 10.103.100.1/24) and host b (10.103.200.1/24), each a
/// dockerd in its own namespace, joined by an underlay bridge in a third namespace (a veth
/// <c>under0</c> from each, 192.168.77.1 and .2), each routing the other's subnet via the other's
/// underlay address, each letting the other's containers in (DOCKER-USER) and keeping its own traffic
/// to them unmasqueraded (nat POSTROUTING RETURN), one container on each (web on a, db on b).
/// The kernel here has no GRE (no ip_gre module): the lab routes, as flannel's host-gw does.
/// </summary>
public sealed class FleetLab : IDisposable
{
    public const string SubnetA = "10.103.100.0/24", SubnetB = "10.103.200.0/24";
    public const string UnderA = "192.168.77.1", UnderB = "192.168.77.2";

    private static int counter;

    public FleetLab()
    {
        // Named like a lab's outside namespace (dfwlabo-PID-N) so that scripts/lab-cleanup.sh removes it
        // when a killed run leaves it behind.
        Underlay = $"dfwlabo-{Environment.ProcessId}-{9000 + Interlocked.Increment(ref counter)}";
        if (!LabDaemon.IsRoot) return;
        try
        {
            A = new FleetHostDaemon("10.103.100.1/24");
            B = new FleetHostDaemon("10.103.200.1/24");
            Processes.Must("ip", "netns", "add", Underlay);
            InUnderlay("ip", "link", "set", "lo", "up");
            InUnderlay("ip", "link", "add", "ul0", "type", "bridge");
            InUnderlay("ip", "link", "set", "ul0", "up");
            Join(A, "ula", UnderA);
            Join(B, "ulb", UnderB);
            A.MustInLab("ip", "route", "add", SubnetB, "via", UnderB, "dev", "under0");
            B.MustInLab("ip", "route", "add", SubnetA, "via", UnderA, "dev", "under0");
            AdminRules(A, SubnetA, SubnetB);
            AdminRules(B, SubnetB, SubnetA);
            A.MustDocker("run", "-d", "--name", "web", LabDaemon.Image, "sleep", "3600");
            B.MustDocker("run", "-d", "--name", "db", LabDaemon.Image, "sleep", "3600");
            WebAddress = A.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "web");
            DbAddress = B.MustDocker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public FleetHostDaemon A { get; } = null!;

    public FleetHostDaemon B { get; } = null!;

    public string Underlay { get; }

    public string WebAddress { get; } = "";

    public string DbAddress { get; } = "";

    public static string LetIn(string peerSubnet) => $"-s {peerSubnet} -i under0 -o docker0 -j ACCEPT";

    public static string Unmasqueraded(string own, string peer) => $"-s {own} -d {peer} -j RETURN";

    private static void AdminRules(FleetHostDaemon host, string own, string peer)
    {
        host.MustInLab(["iptables", "-I", "DOCKER-USER", .. LetIn(peer).Split(' ')]);
        host.MustInLab(["iptables", "-t", "nat", "-I", "POSTROUTING", .. Unmasqueraded(own, peer).Split(' ')]);
    }

    private void Join(FleetHostDaemon host, string port, string address)
    {
        host.MustInLab("ip", "link", "add", "under0", "type", "veth", "peer", "name", port, "netns", Underlay);
        host.MustInLab("ip", "addr", "add", address + "/24", "dev", "under0");
        host.MustInLab("ip", "link", "set", "under0", "up");
        InUnderlay("ip", "link", "set", port, "master", "ul0");
        InUnderlay("ip", "link", "set", port, "up");
    }

    private void InUnderlay(params string[] arguments) => Processes.Must("ip", ["netns", "exec", Underlay, .. arguments]);

    /// <summary>One real echo request from a container to an address and its answer.</summary>
    public static bool Ping(FleetHostDaemon host, string container, string address) =>
        host.Docker("exec", container, "ping", "-c", "1", "-W", "2", address).Ok;

    public void Dispose()
    {
        A?.Dispose();
        B?.Dispose();
        if (LabDaemon.IsRoot) Processes.Run("ip", ["netns", "delete", Underlay]);
    }
}
