using System.Diagnostics;
using DockerFw.Cli;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// A Docker 29 nftables host in namespaces of its own: the host namespace gets a corpus layout
/// (<c>moby29-nftables-*.nft</c>) loaded with <c>nft -f</c> and the bridge it names (<c>bridge1</c>,
/// 192.0.2.1/24, br_netfilter on), and one namespace per container (web 192.0.2.2, api .3, db .4)
/// plus a client outside (203.0.113.2, reaching the host's 203.0.113.1 on <c>eth0</c>). Listeners
/// answer real TCP connections; every namespace and listener is the fixture's and goes at the end.
/// </summary>
internal sealed class NftHost : IDisposable
{
    public const string Web = "192.0.2.2";
    public const string Api = "192.0.2.3";
    public const string Db = "192.0.2.4";
    public const string HostAddress = "203.0.113.1";

    public static readonly string DockerJson = Path.Combine(Corpus.RepoRoot, "tests", "DockerFw.Kernel.Tests", "Nft", "fixtures", "moby29-nftables-docker.json");

    private readonly string id = $"dfwnp-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly List<Process> listeners = [];

    private readonly IReadOnlyList<NftBridge> bridges;

    /// <summary>The usernet-portmap host: bridge1 with web, api and db, web listening on 80 and 81, api on 80.</summary>
    public NftHost(string layout)
        : this(layout, [new NftBridge("bridge1", "192.0.2.1/24", [("web", Web, ["80", "81"]), ("api", Api, ["80"]), ("db", Db, [])])], DockerJson)
    {
    }

    /// <param name="bridges">The bridges to make, each with its gateway address and its endpoints (label, address, ports listened on).</param>
    /// <param name="docker">The Docker JSON that stands in for the Engine.</param>
    public NftHost(string layout, IReadOnlyList<NftBridge> bridges, string docker)
    {
        this.bridges = bridges;
        Docker = docker;
        Folder = Directory.CreateTempSubdirectory("dfw-nft-").FullName;
        try
        {
            Build(File.ReadAllText(Corpus.PathOf("docker", layout)));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Host => id + "-h";

    public string Folder { get; }

    public string Backups => Path.Combine(Folder, "backups");

    public string Ns(string label) => $"{id}-{label}";

    public string Docker { get; }

    private IEnumerable<string> All => bridges.SelectMany(b => b.Endpoints.Select(e => e.Label)).Prepend("h").Append("out").Select(Ns);

    private void Build(string layout)
    {
        foreach (var ns in All) Must("ip", "netns", "add", ns);
        Must("ip", "-n", Host, "link", "set", "lo", "up");
        Must("ip", "netns", "exec", Host, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1");
        foreach (var bridge in bridges)
        {
            var prefix = bridge.Gateway.Split('/')[1];
            Must("ip", "-n", Host, "link", "add", bridge.Name, "type", "bridge");
            Must("ip", "-n", Host, "addr", "add", bridge.Gateway, "dev", bridge.Name);
            Must("ip", "-n", Host, "link", "set", bridge.Name, "up");
            foreach (var (label, address, _) in bridge.Endpoints)
            {
                Must("ip", "-n", Host, "link", "add", "v" + label, "type", "veth", "peer", "name", "eth0", "netns", Ns(label));
                Must("ip", "-n", Host, "link", "set", "v" + label, "master", bridge.Name, "up");
                Must("ip", "-n", Ns(label), "addr", "add", $"{address}/{prefix}", "dev", "eth0");
                Must("ip", "-n", Ns(label), "link", "set", "eth0", "up");
                Must("ip", "-n", Ns(label), "link", "set", "lo", "up");
                Must("ip", "-n", Ns(label), "route", "add", "default", "via", bridge.Gateway.Split('/')[0]);
            }
        }

        Must("ip", "-n", Host, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", Ns("out"));
        Must("ip", "-n", Host, "addr", "add", HostAddress + "/24", "dev", "eth0");
        Must("ip", "-n", Host, "link", "set", "eth0", "up");
        Must("ip", "-n", Ns("out"), "addr", "add", "203.0.113.2/24", "dev", "eth0");
        Must("ip", "-n", Ns("out"), "link", "set", "eth0", "up");
        Must("ip", "-n", Ns("out"), "link", "set", "lo", "up");
        // nft 1.0.6 knows the name dstnat only on prerouting; on the output hook it is the number -100.
        MustWithInput(layout.Replace("hook output priority dstnat", "hook output priority -100", StringComparison.Ordinal), "ip", "netns", "exec", Host, "nft", "-f", "-");
        foreach (var (label, _, ports) in bridges.SelectMany(b => b.Endpoints))
            foreach (var port in ports) Listen(label, port);
    }

    /// <summary>
    /// IPv6 on one bridge as well: the gateway (<c>fd00:2::1/64</c>) on the bridge, each endpoint's
    /// address and default route, forwarding and br_netfilter for IPv6, listeners, and Docker's
    /// <c>ip6 docker-bridges</c> table (<paramref name="layout"/>) loaded with <c>nft -f</c>.
    /// </summary>
    public void AddIpv6(string bridge, string gateway, IEnumerable<(string Label, string Address, string[] Ports)> endpoints, string layout)
    {
        Must("ip", "netns", "exec", Host, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.bridge.bridge-nf-call-ip6tables=1");
        Must("ip", "-n", Host, "addr", "add", gateway, "dev", bridge, "nodad");
        foreach (var (label, address, ports) in endpoints)
        {
            Must("ip", "-n", Ns(label), "addr", "add", $"{address}/{gateway.Split('/')[1]}", "dev", "eth0", "nodad");
            Must("ip", "-n", Ns(label), "-6", "route", "add", "default", "via", gateway.Split('/')[0]);
            foreach (var port in ports) Listen(label, port, ipv6: true);
        }

        MustWithInput(layout, "ip", "netns", "exec", Host, "nft", "-f", "-");
    }

    /// <summary>Whether a real TCP connection from namespace <paramref name="from"/> to the address and port completes.</summary>
    public bool Connects(string from, string address, int port) =>
        Run(null, ["ip", "netns", "exec", Ns(from), "nc", .. address.Contains(':') ? new[] { "-6" } : [], "-z", "-w", "1", address,
            port.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode == 0;

    /// <summary>The host namespace's whole ruleset as nft lists it (text, counters included).</summary>
    public string Ruleset() => Run(null, "ip", "netns", "exec", Host, "nft", "list", "ruleset").Out;

    /// <summary>One table of the host namespace as nft lists it, or "" when it is not there.</summary>
    public string Table(string family, string name)
    {
        var listed = Run(null, "ip", "netns", "exec", Host, "nft", "list", "table", family, name);
        return listed.ExitCode == 0 ? listed.Out : "";
    }

    public void Nft(string script) => MustWithInput(script, "ip", "netns", "exec", Host, "nft", "-f", "-");

    /// <summary>dockerfw in-process against the host namespace, with the fixture's Docker JSON standing in for the Engine.</summary>
    public (int ExitCode, string Out, string Error) Dockerfw(string stdin, params string[] args)
    {
        var (output, error) = (new StringWriter { NewLine = "\n" }, new StringWriter { NewLine = "\n" });
        var exit = DockerFwApp.Run([.. args, "--netns", Host, "--docker", Docker], new StandardStreams(new StringReader(stdin), output, error), null);
        return (exit, output.ToString(), error.ToString());
    }

    public string Policy(string text)
    {
        var path = Path.Combine(Folder, $"p{Guid.NewGuid().ToString("N")[..6]}.policy");
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        foreach (var listener in listeners)
        {
            listener.Kill(entireProcessTree: true);
            listener.WaitForExit();
            listener.Dispose();
        }

        foreach (var ns in All) Run(null, "ip", "netns", "delete", ns);
        // None when no apply ran into it; /run/dockerfw itself is missing on a fresh machine until one runs.
        if (DockerFw.Cli.Apply.ApplyLock.PathFor(Host) is { } lockFile && File.Exists(lockFile)) File.Delete(lockFile);
        Directory.Delete(Folder, recursive: true);
    }

    private void Listen(string label, string port, bool ipv6 = false)
    {
        listeners.Add(Processes.Start("ip", ["netns", "exec", Ns(label), "nc", .. ipv6 ? new[] { "-6" } : [], "-l", "-k", port]));
        // Ready once it answers inside its own namespace, where no firewall stands in the way.
        for (var i = 0; i < 50 && Run(null, "ip", "netns", "exec", Ns(label), "nc", "-z", "-w", "1", ipv6 ? "::1" : "127.0.0.1", port).ExitCode != 0; i++) Thread.Sleep(100);
    }

    private static void Must(params string[] command) => MustWithInput(null, command);

    private static void MustWithInput(string? stdin, params string[] command) => Run(stdin, command).EnsureOk();

    private static ProcessResult Run(string? stdin, params string[] command) => Processes.Run(command[0], command[1..], stdin: stdin);
}

/// <summary>A bridge of <see cref="NftHost"/>: its device name, gateway address with prefix, and endpoints.</summary>
internal sealed record NftBridge(string Name, string Gateway, IReadOnlyList<(string Label, string Address, string[] Ports)> Endpoints);
