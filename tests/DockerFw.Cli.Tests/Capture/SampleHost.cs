using System.Text.Json.Nodes;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Cli.Tests.Live;
using DockerFw.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// samples/lab-host as a live host: its dumps answer iptables-save and ip6tables-save (with the
/// warning iptables-nft prints on stderr), its Docker JSON answers the Engine's GETs, and its bridges
/// are on the host. Every command line must be answered exactly; anything else fails the test.
/// </summary>
internal sealed class SampleHost : IHostCommandRunner, IDockerEngineConnector
{
    private static readonly string Folder = Path.Combine(Corpus.RepoRoot, "samples", "lab-host");

    private readonly Dictionary<string, CommandOutcome> answers;
    private readonly Dictionary<string, string> engine = new(StringComparer.Ordinal);

    public SampleHost()
    {
        const string addresses =
            """
            [{"ifindex":1,"ifname":"lo","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
             {"ifindex":2,"ifname":"eth0","addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24}]},
             {"ifindex":3,"ifname":"docker0","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16}]},
             {"ifindex":4,"ifname":"br-9c93ba76092b","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.30.2.1","prefixlen":24}]},
             {"ifindex":5,"ifname":"br-e727bbbf1ba4","linkinfo":{"info_kind":"bridge"},"addr_info":[{"family":"inet","local":"172.30.1.1","prefixlen":24}]}]
            """;
        answers = new(StringComparer.Ordinal)
        {
            ["iptables-save"] = new(0, File.ReadAllText(Path.Combine(Folder, "iptables-save")), "# Warning: a comment iptables-nft prints on stderr\n"),
            ["ip6tables-save"] = new(0, File.ReadAllText(Path.Combine(Folder, "ip6tables-save")), ""),
            ["nft -j list ruleset"] = new(0, """{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}]}""", ""),
            ["ip -d -j addr show"] = new(0, addresses, ""),
            ["ip -d -j link show"] = new(0, """[{"ifindex":3,"ifname":"docker0","mtu":1500,"linkinfo":{"info_kind":"bridge"}}]""", ""),
            ["ip -4 -j route show table all"] = new(0, """[{"dst":"default","gateway":"192.0.2.1","dev":"eth0"},{"dst":"172.17.0.0/16","dev":"docker0","prefsrc":"172.17.0.1"}]""", ""),
            ["ip -6 -j route show table all"] = new(0, "[]", ""),
            ["ip -4 -j rule show"] = new(0, """[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]""", ""),
            ["ip -6 -j rule show"] = new(0, """[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]""", ""),
            ["grep -H -s . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/ipv4/conf/all/rp_filter /proc/sys/net/ipv4/conf/default/rp_filter"
                + " /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established /proc/sys/net/netfilter/nf_conntrack_sctp_timeout_established /proc/sys/net/netfilter/nf_conntrack_dccp_timeout_request"
                + " /proc/sys/net/ipv4/conf/lo/rp_filter /proc/sys/net/ipv4/conf/eth0/rp_filter /proc/sys/net/ipv4/conf/docker0/rp_filter /proc/sys/net/ipv4/conf/br-9c93ba76092b/rp_filter /proc/sys/net/ipv4/conf/br-e727bbbf1ba4/rp_filter"
                + " /sys/class/net/docker0/bridge/nf_call_iptables /sys/class/net/br-9c93ba76092b/bridge/nf_call_iptables /sys/class/net/br-e727bbbf1ba4/bridge/nf_call_iptables"] =
                new(0, "/proc/sys/net/ipv4/ip_forward:1\n/proc/sys/net/bridge/bridge-nf-call-iptables:1\n", ""),
            ["grep -s ^ /run/flannel/subnet.env"] = new(2, "", ""),
            // The containers' own routes: the sample's PIDs are long gone (grep -s says nothing), so they are inferred.
            ["grep -s -H ^ /proc/17878/net/route /proc/17878/net/ipv6_route /proc/17768/net/route /proc/17768/net/ipv6_route /proc/18047/net/route /proc/18047/net/ipv6_route /proc/17658/net/route /proc/17658/net/ipv6_route"] = new(2, "", ""),
            ["ss -Hltunp"] = new(0, "tcp   LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:((\"docker-proxy\",pid=4242,fd=4))\n", ""),
            ["ps -ww -o pid=,args= -p 4242"] = new(0, "   4242 /usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.30.1.2 -container-port 80\n", ""),
        };

        var networks = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "docker-networks.json")))!.AsArray();
        var containers = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "docker-containers.json")))!.AsArray();
        engine["networks"] = networks.ToJsonString();
        foreach (var network in networks) engine[$"networks/{network!["Id"]!.GetValue<string>()}"] = network!.ToJsonString();
        engine["containers/json?all=1"] = new JsonArray([.. containers.Select(c => new JsonObject { ["Id"] = c!["Id"]!.GetValue<string>(), ["Names"] = new JsonArray(c["Name"]!.GetValue<string>()) })]).ToJsonString();
        foreach (var container in containers) engine[$"containers/{container!["Id"]!.GetValue<string>()}/json"] = container!.ToJsonString();
        engine["info"] = """{"Swarm":{"LocalNodeState":"inactive"}}""";
        engine["version"] = """{"Version":"20.10.24+dfsg1","ApiVersion":"1.41"}""";
    }

    /// <summary>Every command line run and every GET asked, in order.</summary>
    public List<string> Asked { get; } = [];

    /// <summary>The host with one answer changed (a container gone, a rule added), to see a bundle keep the old one.</summary>
    public SampleHost With(string commandLine, string stdout)
    {
        answers[commandLine] = new CommandOutcome(0, stdout, "");
        return this;
    }

    /// <summary>The services of a run of dockerfw on this host, as root, with DOCKER_HOST unset.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<IHostCommandRunner>(this);
        services.AddSingleton<IDockerEngineConnector>(this);
        services.AddSingleton<IPrivilege>(new FixedPrivilege(true));
        services.AddSingleton(new DockerEnvironment(null));
    }

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var line = ProcessCommandRunner.Describe(program, arguments);
        Asked.Add(line);
        return answers.TryGetValue(line, out var outcome) ? outcome : throw new InvalidOperationException($"unscripted command: {line}");
    }

    public bool IsInstalled(string program) => program is "nft" or "ss" or "ps";

    public bool Exists(DockerEngineAddress endpoint) => endpoint.SocketPath == DockerEngineAddress.DefaultSocket;

    public IDockerEngine Open(DockerEngineAddress endpoint) => new Engine(this);

    private sealed class Engine(SampleHost host) : IDockerEngine
    {
        public string Get(string path)
        {
            host.Asked.Add("GET " + path);
            return host.engine.TryGetValue(path, out var body) ? body
                : throw new DockerEngineException(DockerEngineFailure.NotFound, $"GET {path} from the Docker Engine answered 404 Not Found");
        }

        public void Dispose()
        {
        }
    }
}
