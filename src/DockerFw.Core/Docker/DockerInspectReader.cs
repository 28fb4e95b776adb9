using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reads the JSON of <c>docker network inspect ...</c> and/or <c>docker inspect ...</c> (arrays, in any
/// order, or a single object as the Engine API returns it). Objects are told apart by their shape:
/// networks have <c>IPAM</c>, containers have <c>NetworkSettings</c>.
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
            var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
            var networks = ImmutableArray.CreateBuilder<DockerNetwork>();
            var containers = ImmutableArray.CreateBuilder<DockerContainer>();
            var items = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().ToList()
                : [document.RootElement];
            foreach (var (item, index) in items.Select((e, i) => (e, i)))
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    diagnostics.Add(Problem(fileName, $"item {index + 1} is not an object; expected a network or a container"));
                    continue;
                }

                if (item.TryGetProperty("IPAM", out _)) networks.Add(ReadNetwork(item));
                else if (item.TryGetProperty("NetworkSettings", out _) || item.TryGetProperty("HostConfig", out _)) containers.Add(ReadContainer(item));
                else diagnostics.Add(Problem(fileName, $"item {index + 1} is neither a network (no \"IPAM\") nor a container (no \"NetworkSettings\"); ignored", Severity.Warning));
            }

            return new(new DockerView(networks.ToImmutable(), containers.ToImmutable()), diagnostics.ToImmutable());
        }
    }

    private static DockerNetwork ReadNetwork(JsonElement n)
    {
        var options = Strings(n, "Options");
        var subnets = ImmutableArray.CreateBuilder<DockerSubnet>();
        if (n.TryGetProperty("IPAM", out var ipam) && ipam.TryGetProperty("Config", out var configs) && configs.ValueKind == JsonValueKind.Array)
        {
            foreach (var config in configs.EnumerateArray())
            {
                var subnetText = Str(config, "Subnet");
                if (subnetText is null) continue;
                var family = IpAddressValue.FamilyOf(subnetText.Split('/')[0]);
                if (family is null || !AddressMask.TryParse(subnetText, family.Value, out var subnet)) continue;
                UInt128? gateway = Str(config, "Gateway") is { } g && IpAddressValue.TryParse(g, family.Value, out var gw) ? gw : null;
                subnets.Add(new DockerSubnet(subnet!, gateway));
            }
        }

        return new DockerNetwork(
            Name: Str(n, "Name") ?? "",
            Id: Str(n, "Id") ?? "",
            Driver: Str(n, "Driver") ?? "",
            Subnets: subnets.ToImmutable(),
            Internal: Bool(n, "Internal") ?? false,
            // Docker's defaults: icc and masquerade are on unless the option says "false".
            EnableIcc: !string.Equals(options.GetValueOrDefault("com.docker.network.bridge.enable_icc"), "false", StringComparison.OrdinalIgnoreCase),
            EnableIpMasquerade: !string.Equals(options.GetValueOrDefault("com.docker.network.bridge.enable_ip_masquerade"), "false", StringComparison.OrdinalIgnoreCase),
            HostBindingIpv4: options.GetValueOrDefault("com.docker.network.bridge.host_binding_ipv4"),
            GatewayModeIpv4: options.GetValueOrDefault("com.docker.network.bridge.gateway_mode_ipv4"),
            BridgeOption: options.GetValueOrDefault("com.docker.network.bridge.name"),
            IsDefaultBridge: string.Equals(options.GetValueOrDefault("com.docker.network.bridge.default_bridge"), "true", StringComparison.OrdinalIgnoreCase))
        {
            SnatTo = options.GetValueOrDefault("com.docker.network.host_ipv4"),
            GatewayModeIpv6 = options.GetValueOrDefault("com.docker.network.bridge.gateway_mode_ipv6"),
        };
    }

    private static DockerContainer ReadContainer(JsonElement c)
    {
        var endpoints = ImmutableArray.CreateBuilder<DockerEndpoint>();
        var ports = ImmutableArray.CreateBuilder<PortBinding>();
        var settings = c.TryGetProperty("NetworkSettings", out var s) ? s : default;
        if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("Networks", out var nets) && nets.ValueKind == JsonValueKind.Object)
        {
            foreach (var net in nets.EnumerateObject())
            {
                UInt128? v4 = Str(net.Value, "IPAddress") is { Length: > 0 } a && IpAddressValue.TryParse(a, IpFamily.V4, out var x) ? x : null;
                UInt128? v6 = Str(net.Value, "GlobalIPv6Address") is { Length: > 0 } b && IpAddressValue.TryParse(b, IpFamily.V6, out var y) ? y : null;
                endpoints.Add(new DockerEndpoint(net.Name, Str(net.Value, "NetworkID"), v4, v6, StringArray(net.Value, "Aliases")));
            }
        }

        if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("Ports", out var portMap) && portMap.ValueKind == JsonValueKind.Object)
        {
            foreach (var port in portMap.EnumerateObject())
            {
                var (number, proto) = SplitPort(port.Name);
                if (number is null) continue;
                if (port.Value.ValueKind != JsonValueKind.Array) continue;
                foreach (var binding in port.Value.EnumerateArray())
                {
                    int? hostPort = int.TryParse(Str(binding, "HostPort"), out var hp) ? hp : null;
                    ports.Add(new PortBinding(proto, number.Value, Str(binding, "HostIp"), hostPort));
                }
            }
        }

        var config = c.TryGetProperty("Config", out var cfg) ? cfg : default;
        var exposed = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("ExposedPorts", out var ex) && ex.ValueKind == JsonValueKind.Object
            ? ex.EnumerateObject().Select(p => p.Name).ToImmutableArray()
            : [];
        var hostConfig = c.TryGetProperty("HostConfig", out var hc) ? hc : default;
        var links = StringArray(hostConfig, "Links").Select(ParseLink).OfType<ContainerLink>().ToImmutableArray();
        var running = c.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.Object && (Bool(state, "Running") ?? false);

        return new DockerContainer(
            Name: (Str(c, "Name") ?? "").TrimStart('/'),
            Id: Str(c, "Id") ?? "",
            Running: running,
            NetworkMode: Str(hostConfig, "NetworkMode") ?? "default",
            Endpoints: endpoints.ToImmutable(),
            ExposedPorts: exposed,
            Ports: ports.ToImmutable(),
            Links: links);
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

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static ImmutableArray<string> StringArray(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToImmutableArray()
            : [];

    private static Dictionary<string, string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];

    private static Diagnostic Problem(string file, string message, Severity severity = Severity.Error) =>
        severity == Severity.Error ? DockerMessages.BadItem(new SourceSpan(file, 1, 1), message) : DockerMessages.ItemIgnored(new SourceSpan(file, 1, 1), message);

    private static string FirstSentence(string message) => message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.');
}
