using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The lab host's interfaces as <c>ip -d -j addr show</c> lists them (a fixture's host.json): every
/// address (reach's <c>--host-address</c>, taken as complete), the interface a container address lies
/// behind, and whether a bridge passes its bridged traffic to iptables.
/// </summary>
public sealed class HostInterfaces
{
    private readonly List<(string Interface, IPAddress Address, int Length)> addresses = [];
    private readonly HashSet<string> callIptables = [];
    private readonly HashSet<string> callIp6tables = [];

    public HostInterfaces(string ipAddrJson)
    {
        foreach (var link in JsonDocument.Parse(ipAddrJson).RootElement.EnumerateArray())
        {
            var name = link.GetProperty("ifname").GetString()!;
            if (link.TryGetProperty("addr_info", out var infos))
                foreach (var a in infos.EnumerateArray())
                    if (a.TryGetProperty("local", out var local) && IPAddress.TryParse(local.GetString(), out var ip))
                        addresses.Add((name, ip, a.GetProperty("prefixlen").GetInt32()));
            if (link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_data", out var data))
            {
                if (data.TryGetProperty("nf_call_iptables", out var call) && call.ValueKind == JsonValueKind.Number && call.GetInt32() == 1) callIptables.Add(name);
                if (data.TryGetProperty("nf_call_ip6tables", out var call6) && call6.ValueKind == JsonValueKind.Number && call6.GetInt32() == 1) callIp6tables.Add(name);
            }
        }
    }

    public IEnumerable<string> HostAddressOptions() =>
        addresses.SelectMany(a => new[] { "--host-address", $"{a.Interface}={a.Address}/{a.Length}" });

    /// <summary>The interface whose connected subnet holds the address (the bridge behind a container address).</summary>
    public string? InterfaceFor(IPAddress address) =>
        addresses.Where(a => a.Address.AddressFamily == address.AddressFamily && a.Interface != "lo"
                && new IPNetwork(Masked(a.Address, a.Length), a.Length).Contains(address))
            .OrderByDescending(a => a.Length).Select(a => a.Interface).FirstOrDefault();

    /// <summary>The bridge's own nf_call_iptables (nf_call_ip6tables for IPv6): the kernel passes bridged traffic to the family's tables when it or the global sysctl is 1.</summary>
    public bool BridgeCallsIptables(string bridge, bool six = false) => (six ? callIp6tables : callIptables).Contains(bridge);

    private static IPAddress Masked(IPAddress a, int length)
    {
        var bytes = a.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
