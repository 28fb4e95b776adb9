using System.Text.Json.Nodes;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Bench.Fleet;

/// <summary>
/// A <see cref="FleetHostShape"/> as a live host for dockerfw's own capture: its programs' answers
/// and its Engine's. Capture then records exactly the questions any command asks, as it does on a
/// real host, so the bundles are what `dockerfw capture` writes. An unexpected question is an error.
/// </summary>
internal sealed class GeneratedHost(FleetHostShape shape) : IHostCommandRunner, IDockerEngineConnector, IPrivilege
{
    public bool IsRoot => true;

    public CommandOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var line = string.Join(' ', arguments);
        // No flannel here: grep -s finds no subnet.env, says nothing and exits 2.
        if ((program, line) is ("grep", "-s ^ /run/flannel/subnet.env")) return new CommandOutcome(2, "", "");
        var stdout = (program, line) switch
        {
            ("iptables-save", "") => shape.IptablesSave(),
            ("ip6tables-save", "") => FleetHostShape.Ip6tablesSave,
            ("nft", "-j list ruleset") => """{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}]}""",
            ("ip", "-d -j addr show") => shape.Addresses(),
            ("ip", "-d -j link show") => shape.Links(),
            ("ip", "-4 -j route show table all") => shape.Routes(),
            ("ip", "-6 -j route show table all") => "[]",
            // The kernel's own policy rules, as every host without policy routing has them.
            ("ip", "-4 -j rule show") => """[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]""",
            ("ip", "-6 -j rule show") => """[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]""",
            ("grep", _) => "/proc/sys/net/ipv4/ip_forward:1\n/proc/sys/net/bridge/bridge-nf-call-iptables:1\n/proc/sys/net/ipv4/conf/all/rp_filter:2\n",
            ("ss", "-Hltunp") => "",
            _ => throw new InvalidOperationException($"the generated host has no answer to {program} {line}"),
        };
        return new CommandOutcome(0, stdout, "");
    }

    public bool IsInstalled(string program) => program is "nft" or "ss" or "ps";

    public bool Exists(DockerEngineAddress endpoint) => endpoint.SocketPath == DockerEngineAddress.DefaultSocket;

    public IDockerEngine Open(DockerEngineAddress endpoint) => new Engine(shape);

    private sealed class Engine(FleetHostShape shape) : IDockerEngine
    {
        public string Get(string path)
        {
            if (path == "networks") return shape.DockerNetworks().ToJsonString();
            if (path == "containers/json?all=1")
                return new JsonArray([.. Enumerable.Range(0, shape.Networks).Select(j => new JsonObject { ["Id"] = shape.ContainerId(j), ["Names"] = new JsonArray("/" + shape.ContainerName(j)) })]).ToJsonString();
            if (path == "info") return """{"Swarm":{"LocalNodeState":"inactive"}}""";
            if (path == "version") return """{"Version":"20.10.24+dfsg1","ApiVersion":"1.41"}""";
            for (var j = 0; j < shape.Networks; j++)
            {
                if (path == $"networks/{shape.Id(j)}") return shape.DockerNetworks()[j]!.ToJsonString();
                if (path == $"containers/{shape.ContainerId(j)}/json") return shape.DockerContainer(j).ToJsonString();
            }

            throw new DockerEngineException(DockerEngineFailure.NotFound, $"GET {path} from the Docker Engine answered 404 Not Found");
        }

        public void Dispose()
        {
        }
    }
}
