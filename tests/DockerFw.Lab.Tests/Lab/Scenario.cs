namespace DockerFw.Lab.Tests.Lab;

/// <summary>The lab's helpers for one scenario: networks and their bridges, and the audit checked against traffic.</summary>
public static class Scenario
{
    public static string CreateNetwork(this LabDaemon lab, string name, params string[] flags)
    {
        lab.MustDocker(["network", "create", .. flags, name]);
        return name;
    }

    /// <summary>The bridge Docker made for a user-defined network: br- and the first 12 characters of its id.</summary>
    public static string BridgeOf(this LabDaemon lab, string network) =>
        "br-" + lab.MustDocker("network", "inspect", "-f", "{{.Id}}", network)[..12];

    public static string Subnet(this LabDaemon lab, string network) =>
        lab.MustDocker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", network);

    /// <summary>
    /// The audit's verdict for new connections from <paramref name="from"/> to <paramref name="to"/> and what
    /// real traffic did: denied must not connect, allowed must.
    /// </summary>
    public static void AssertTrafficAgrees(LabAudit audit, string from, string to, bool connected, string probe)
    {
        var verdict = audit.Reach(from, to);
        if (verdict == "denied") Assert.False(connected, $"the audit says {from} -> {to} is denied, but {probe} connected\n{audit.Json}");
        else if (verdict == "allowed") Assert.True(connected, $"the audit says {from} -> {to} is allowed, but {probe} did not connect\n{audit.Json}");
    }
}
