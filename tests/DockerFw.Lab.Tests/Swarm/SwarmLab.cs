using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Swarm;

/// <summary>
/// Two Docker hosts in swarm mode: two lab daemons (each in its namespace, with its own roots), joined
/// by an underlay bridge in the first one's "outside" namespace (192.168.77.0/24: A .2, the manager;
/// B .3, a worker), an attachable overlay network "ovl" and a container on each host. Encrypted
/// overlays cannot carry traffic here (the kernel has no ESP transform: dockerd's "function not
/// implemented"), so the lab's overlay is plain; encryption is judged from dumps and the kernel tests.
/// Everything goes with the two daemons' disposal.
/// </summary>
public sealed class SwarmLab : IDisposable
{
    public const string AddressA = "192.168.77.2";
    public const string AddressB = "192.168.77.3";
    public const string Network = "ovl";

    public SwarmLab()
    {
        if (!LabDaemon.IsRoot) return;
        try
        {
            A = new DefaultLab();
            B = new DefaultLab();
            Underlay();
            A.MustDocker("swarm", "init", "--advertise-addr", AddressA, "--listen-addr", AddressA + ":2377");
            var token = A.MustDocker("swarm", "join-token", "-q", "worker");
            B.MustDocker("swarm", "join", "--token", token, "--advertise-addr", AddressB, AddressA + ":2377");
            A.MustDocker("network", "create", "-d", "overlay", "--attachable", Network);
            A.MustDocker("run", "-d", "--name", "ca", "--network", Network, LabDaemon.Image, "sleep", "3600");
            B.MustDocker("run", "-d", "--name", "cb", "--network", Network, LabDaemon.Image, "sleep", "3600");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DefaultLab A { get; private set; } = null!;

    public DefaultLab B { get; private set; } = null!;

    /// <summary>A container's address on the overlay.</summary>
    public static string Ip(LabDaemon host, string container) =>
        host.MustDocker("inspect", "-f", $"{{{{(index .NetworkSettings.Networks \"{Network}\").IPAddress}}}}", container);

    /// <summary>Whether cb reaches ca across the VXLAN (two tries: the overlay's peers settle a moment after the containers start).</summary>
    public bool Reaches()
    {
        var to = Ip(A, "ca");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (B.Docker("exec", "cb", "ping", "-c", "2", "-W", "2", to).Ok) return true;
            Thread.Sleep(1000);
        }

        return false;
    }

    private void Underlay()
    {
        Processes.Must("ip", "-n", A.Outside, "link", "add", "under0", "type", "bridge");
        Processes.Must("ip", "-n", A.Outside, "link", "set", "under0", "up");
        foreach (var (host, port, address) in new[] { (A, "under-a", AddressA), (B, "under-b", AddressB) })
        {
            Processes.Must("ip", "-n", A.Outside, "link", "add", port, "type", "veth", "peer", "name", "underlay0", "netns", host.Netns);
            Processes.Must("ip", "-n", A.Outside, "link", "set", port, "master", "under0", "up");
            host.MustInLab("ip", "addr", "add", address + "/24", "dev", "underlay0");
            host.MustInLab("ip", "link", "set", "underlay0", "up");
        }
    }

    public void Dispose()
    {
        // B first: its daemon leaves nothing in A's namespaces, A's outside namespace holds the underlay.
        B?.Dispose();
        A?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SwarmLabCollection : ICollectionFixture<SwarmLab>
{
    public const string Name = "swarm (two dockerd)";
}
