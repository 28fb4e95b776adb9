using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A lab daemon with a scenario's flags, a second IPv4 address on the uplink (for ports published on
/// one host address) and IPv6 on the uplink (for ports published on <c>::</c>).
/// </summary>
public sealed class OracleLab : LabDaemon
{
    public const string SecondHostAddress = "198.51.100.3";
    public const string UplinkAddress6 = "fd00:5100::2";
    public const string OutsideAddress6 = "fd00:5100::1";

    // The base constructor starts dockerd and reads DaemonFlags: the flags must be set before it runs.
    [ThreadStatic]
    private static string[]? pendingFlags;

    [ThreadStatic]
    private static bool pendingFirewalld;

    private readonly string[] flags;

    private OracleLab()
    {
        flags = pendingFlags ?? [];
        if (!IsRoot) return;
        try
        {
            MustInLab("ip", "addr", "add", SecondHostAddress + "/24", "dev", "uplink0");
            MustInLab("ip", "-6", "addr", "add", UplinkAddress6 + "/64", "dev", "uplink0", "nodad");
            MustInLab("ip", "-6", "route", "add", "default", "via", OutsideAddress6);
            InOutside("ip", "-6", "addr", "add", OutsideAddress6 + "/64", "dev", "uplink1", "nodad");
            // A neighbour that routes 127.0.0.1 through the host (DFW514): outside's own loopback routes
            // give way to one via the uplink (nothing outside uses its loopback).
            InOutside("sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.uplink1.route_localnet=1");
            InOutside("ip", "route", "del", "local", "127.0.0.1", "dev", "lo", "table", "local");
            InOutside("ip", "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local");
            InOutside("ip", "route", "add", "127.0.0.1/32", "via", UplinkAddress, "dev", "uplink1");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    protected override IEnumerable<string> DaemonFlags => pendingFlags ?? flags;

    /// <summary>firewalld on this host (started before dockerd, which then uses it), or null.</summary>
    public Firewalld? Firewalld { get; private set; }

    protected override IReadOnlyDictionary<string, string> DaemonEnvironment => Firewalld?.Environment ?? base.DaemonEnvironment;

    // Called by the base constructor: this class's constructor body has not run yet.
    protected override void BeforeDaemon()
    {
        if (pendingFirewalld) Firewalld = Firewalld.Start(WorkDir, Netns);
    }

    protected override void AfterDaemon() => Firewalld?.Stop();

    public string NetnsPath => $"/var/run/netns/{Netns}";

    public string OutsidePath => $"/var/run/netns/{Outside}";

    public static OracleLab Start(IEnumerable<string> daemonFlags, bool firewalld = false)
    {
        pendingFlags = [.. daemonFlags];
        pendingFirewalld = firewalld;
        try
        {
            return new OracleLab();
        }
        finally
        {
            pendingFlags = null;
            pendingFirewalld = false;
        }
    }
}
