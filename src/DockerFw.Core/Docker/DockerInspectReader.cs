using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reads the JSON of <c>docker network inspect ...</c> and/or <c>docker inspect ...</c> (arrays, in any
/// order, or a single object as the Engine API returns it), and <c>docker info</c>'s object. Objects are
/// told apart by their shape: networks have <c>IPAM</c>, containers have <c>NetworkSettings</c>, the
/// Engine's information has <c>Swarm</c> or <c>ServerVersion</c>.
/// </summary>
public static class DockerInspectReader
{
    public static ParseResult<DockerView> Read(string json, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var span = new SourceSpan(fileName, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
            return new(null, [DockerMessages.NotJson(span, FirstSentence(e.Message))]);
        }

        using (document)
        {
            var problems = new InspectProblems(json, fileName);
            var networks = new List<(DockerNetwork, string)>();
            var containers = new List<(DockerContainer, string)>();
            SwarmInfo? swarm = null;
            string? version = null;
            var isArray = document.RootElement.ValueKind == JsonValueKind.Array;
            var items = isArray ? document.RootElement.EnumerateArray().ToList() : [document.RootElement];
            foreach (var (item, index) in items.Select((e, i) => (e, i)))
            {
                var path = isArray ? $"$[{index}]" : "$";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Error(path, $"expected a network or a container (an object) as item {index + 1}, but got {InspectFields.Kind(item)}");
                    continue;
                }

                var fields = new InspectFields(problems);
                if (item.TryGetProperty("IPAM", out _)) networks.Add((ReadNetwork(item, path, fields), path));
                else if (item.TryGetProperty("NetworkSettings", out _) || item.TryGetProperty("HostConfig", out _)) containers.Add((ReadContainer(item, path, fields), path));
                // docker info (GET /info): the Engine's swarm state and version.
                else if (item.TryGetProperty("Swarm", out _) || item.TryGetProperty("ServerVersion", out _))
                {
                    swarm = SwarmReader.Read(item, path, fields) ?? swarm;
                    version = fields.Str(item, "ServerVersion", path) ?? version;
                }
                else problems.Warning(path, $"item {index + 1} is neither a network (no \"IPAM\") nor a container (no \"NetworkSettings\"); ignored");
            }

            var view = InspectConsistency.Check(networks, containers, problems) with { Swarm = swarm, EngineVersion = version };
            return new(view, problems.Diagnostics());
        }
    }

    private static DockerNetwork ReadNetwork(JsonElement n, string path, InspectFields f)
    {
        var options = f.Strings(n, "Options", path);
        var subnets = ImmutableArray.CreateBuilder<DockerSubnet>();
        if (n.TryGetProperty("IPAM", out var ipam) && ipam.ValueKind == JsonValueKind.Object
            && ipam.TryGetProperty("Config", out var configs) && configs.ValueKind == JsonValueKind.Array)
        {
            foreach (var (config, i) in configs.EnumerateArray().Select((c, i) => (c, i)))
            {
                var at = $"{path}.IPAM.Config[{i}]";
                if (f.Str(config, "Subnet", at) is not { } subnetText) continue;
                var family = IpAddressValue.FamilyOf(subnetText.Split('/')[0]);
                if (family is null || !AddressMask.TryParse(subnetText, family.Value, out var subnet))
                {
                    f.Problems.Error(at + ".Subnet", $"expected a subnet such as 172.18.0.0/16 or fd00::/64 in \"Subnet\", but got '{subnetText}'");
                    continue;
                }

                UInt128? gateway = null;
                if (f.Str(config, "Gateway", at) is { Length: > 0 } g)
                {
                    if (IpAddressValue.TryParse(g, family.Value, out var gw)) gateway = gw;
                    else f.Problems.Error(at + ".Gateway", $"expected an {(family == IpFamily.V4 ? "IPv4" : "IPv6")} address in \"Gateway\" (the subnet is {subnetText}), but got '{g}'");
                }

                subnets.Add(new DockerSubnet(subnet!, gateway));
            }
        }

        var o = path + ".Options";
        return new DockerNetwork(
            Name: f.Str(n, "Name", path) ?? "",
            Id: f.Str(n, "Id", path) ?? "",
            Driver: f.Str(n, "Driver", path) ?? "",
            Subnets: subnets.ToImmutable(),
            Internal: f.Bool(n, "Internal", path) ?? false,
            // Docker's defaults: icc and masquerade are on unless the option says otherwise.
            EnableIcc: f.GoBool(options, "com.docker.network.bridge.enable_icc", o) ?? true,
            EnableIpMasquerade: f.GoBool(options, "com.docker.network.bridge.enable_ip_masquerade", o) ?? true,
            HostBindingIpv4: f.Address(options, "com.docker.network.bridge.host_binding_ipv4", o),
            GatewayModeIpv4: options.GetValueOrDefault("com.docker.network.bridge.gateway_mode_ipv4"),
            BridgeOption: options.GetValueOrDefault("com.docker.network.bridge.name"),
            IsDefaultBridge: f.GoBool(options, "com.docker.network.bridge.default_bridge", o) ?? false)
        {
            SnatTo = f.Address(options, "com.docker.network.host_ipv4", o),
            Overlay = f.Str(n, "Driver", path) == "overlay" ? SwarmReader.Overlay(n, options, path, f) : null,
            GatewayModeIpv6 = options.GetValueOrDefault("com.docker.network.bridge.gateway_mode_ipv6"),
        };
    }

    private static DockerContainer ReadContainer(JsonElement c, string path, InspectFields f)
    {
        var endpoints = ImmutableArray.CreateBuilder<DockerEndpoint>();
        var ports = ImmutableArray.CreateBuilder<PortBinding>();
        var settings = c.TryGetProperty("NetworkSettings", out var s) ? s : default;
        if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("Networks", out var nets) && nets.ValueKind == JsonValueKind.Object)
        {
            foreach (var net in nets.EnumerateObject())
            {
                var at = $"{path}.NetworkSettings.Networks.{net.Name}";
                endpoints.Add(new DockerEndpoint(net.Name, f.Str(net.Value, "NetworkID", at),
                    f.Ip(net.Value, "IPAddress", IpFamily.V4, at), f.Ip(net.Value, "GlobalIPv6Address", IpFamily.V6, at),
                    f.StringArray(net.Value, "Aliases", at))
                {
                    // Docker 28's --gw-priority; absent (older Engines) is 0, as dockerd takes it.
                    GwPriority = f.Integer(net.Value, "GwPriority", at) ?? 0,
                });
            }
        }

        if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("Ports", out var portMap) && portMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var port in portMap.EnumerateObject())
            {
                var at = $"{path}.NetworkSettings.Ports.{port.Name}";
                var (number, proto) = SplitPort(port.Name);
                if (number is null or < 0 or > 65535 || proto is not ("tcp" or "udp" or "sctp"))
                {
                    f.Problems.Error(at, $"expected a container port such as \"80/tcp\" in \"Ports\", but got '{port.Name}'");
                    continue;
                }

                if (port.Value.ValueKind != JsonValueKind.Array) continue;
                foreach (var (binding, i) in port.Value.EnumerateArray().Select((b, i) => (b, i)))
                {
                    var bindingAt = $"{at}[{i}]";
                    int? hostPort = null;
                    if (f.Str(binding, "HostPort", bindingAt) is { Length: > 0 } hp)
                    {
                        if (int.TryParse(hp, out var parsed) && parsed is >= 0 and <= 65535) hostPort = parsed;
                        else f.Problems.Error(bindingAt + ".HostPort", $"expected a port number (0-65535) in \"HostPort\", but got '{hp}'");
                    }

                    var hostIp = f.Str(binding, "HostIp", bindingAt);
                    if (hostIp is { Length: > 0 } && IpAddressValue.FamilyOf(hostIp) is null)
                        f.Problems.Error(bindingAt + ".HostIp", $"expected an IP address in \"HostIp\", but got '{hostIp}'");
                    ports.Add(new PortBinding(proto, number.Value, hostIp, hostPort));
                }
            }
        }

        var config = c.TryGetProperty("Config", out var cfg) ? cfg : default;
        var exposed = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("ExposedPorts", out var ex) && ex.ValueKind == JsonValueKind.Object
            ? ex.EnumerateObject().Select(p => p.Name).ToImmutableArray()
            : [];
        var hostConfig = c.TryGetProperty("HostConfig", out var hc) ? hc : default;
        var links = f.StringArray(hostConfig, "Links", path + ".HostConfig").Select(ParseLink).OfType<ContainerLink>().ToImmutableArray();
        var running = c.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.Object && (f.Bool(state, "Running", path + ".State") ?? false);

        return new DockerContainer(
            Name: (f.Str(c, "Name", path) ?? "").TrimStart('/'),
            Id: f.Str(c, "Id", path) ?? "",
            Running: running,
            NetworkMode: f.Str(hostConfig, "NetworkMode", path + ".HostConfig") ?? "default",
            Endpoints: endpoints.ToImmutable(),
            ExposedPorts: exposed,
            Ports: ports.ToImmutable(),
            Links: links)
        {
            Pid = running && state.TryGetProperty("Pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pid.TryGetInt32(out var processId) ? processId : 0,
        };
    }

    // "/db:/web/db" means: container /web reaches /db under the alias "db".
    private static ContainerLink? ParseLink(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 2) return null;
        return new ContainerLink(parts[0].TrimStart('/'), parts[1][(parts[1].LastIndexOf('/') + 1)..]);
    }

    private static (int? Port, string Proto) SplitPort(string text)
    {
        var slash = text.IndexOf('/');
        var proto = slash < 0 ? "tcp" : text[(slash + 1)..];
        return (int.TryParse(slash < 0 ? text : text[..slash], out var p) ? p : null, proto);
    }

    private static string FirstSentence(string message) => message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
}
