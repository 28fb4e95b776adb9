using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reads the swarm parts of Docker's JSON: the <c>Swarm</c> section of <c>docker info</c> and the VXLAN
/// settings of an overlay network's inspect. Addresses are IPv4: the overlay driver programs its
/// VXLAN and encryption rules in iptables only ("TODO IPv6 support" in its sources).
/// </summary>
internal static class SwarmReader
{
    public const string VxlanIdsOption = "com.docker.network.driver.overlay.vxlanid_list";

    /// <summary>The <c>Swarm</c> object of a <c>docker info</c> document; null when absent or not an object.</summary>
    public static SwarmInfo? Read(JsonElement info, string path, InspectFields f)
    {
        if (!info.TryGetProperty("Swarm", out var swarm) || swarm.ValueKind != JsonValueKind.Object) return null;
        var at = path + ".Swarm";
        var managers = ImmutableArray.CreateBuilder<SwarmManager>();
        if (swarm.TryGetProperty("RemoteManagers", out var remote) && remote.ValueKind == JsonValueKind.Array)
        {
            foreach (var (manager, i) in remote.EnumerateArray().Select((m, i) => (m, i)))
            {
                var mAt = $"{at}.RemoteManagers[{i}]";
                if (f.Str(manager, "Addr", mAt) is not { Length: > 0 } addr) continue;
                if (HostPort(addr) is { } hp) managers.Add(new SwarmManager(f.Str(manager, "NodeID", mAt) ?? "", hp.Address, hp.Port));
                else f.Problems.Error(mAt + ".Addr", $"expected an IPv4 address and port such as 192.0.2.10:2377 in \"Addr\", but got '{addr}'");
            }
        }

        int? dataPathPort = null;
        if (swarm.TryGetProperty("Cluster", out var cluster) && cluster.ValueKind == JsonValueKind.Object
            && cluster.TryGetProperty("DataPathPort", out var port) && port.ValueKind == JsonValueKind.Number
            && port.TryGetInt32(out var p) && p is > 0 and <= 65535)
            dataPathPort = p;

        return new SwarmInfo(
            f.Str(swarm, "NodeID", at) ?? "",
            f.Ip(swarm, "NodeAddr", IpFamily.V4, at),
            f.Str(swarm, "LocalNodeState", at) ?? "",
            f.Bool(swarm, "ControlAvailable", at) ?? false,
            managers.ToImmutable())
        { DataPathPort = dataPathPort };
    }

    /// <summary>The VXLAN settings of an overlay network's inspect.</summary>
    public static OverlaySettings Overlay(JsonElement network, Dictionary<string, string> options, string path, InspectFields f)
    {
        var vnis = ImmutableArray.CreateBuilder<int>();
        if (options.TryGetValue(VxlanIdsOption, out var list))
        {
            foreach (var id in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var vni) && vni is > 0 and < 1 << 24) vnis.Add(vni);
                else f.Problems.Error($"{path}.Options.{VxlanIdsOption}", $"expected VXLAN ids (1-16777215) separated by commas, but got '{list}'");
            }
        }

        var peers = ImmutableArray.CreateBuilder<UInt128>();
        if (network.TryGetProperty("Peers", out var list2) && list2.ValueKind == JsonValueKind.Array)
            foreach (var (peer, i) in list2.EnumerateArray().Select((p, i) => (p, i)))
                if (f.Ip(peer, "IP", IpFamily.V4, $"{path}.Peers[{i}]") is { } ip) peers.Add(ip);

        return new OverlaySettings(vnis.ToImmutable(), options.ContainsKey("encrypted"), f.Bool(network, "Ingress", path) ?? false, peers.ToImmutable());
    }

    private static (UInt128 Address, int Port)? HostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        var port = SwarmInfo.DefaultControlPort;
        if (colon >= 0 && !(int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535)) return null;
        return IpAddressValue.TryParse(host, IpFamily.V4, out var address) ? (address, port) : null;
    }
}
