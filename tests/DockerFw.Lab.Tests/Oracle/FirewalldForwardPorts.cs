using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// firewalld's forward ports as the host's ruleset holds them (nft.json): a rule of its table that
/// matches a TCP destination port and DNATs to an address and port (<c>firewall-cmd
/// --add-forward-port=port=P:proto=tcp:toport=Q:toaddr=A</c> writes <c>tcp dport P dnat ip to A:Q</c>
/// in <c>nat_PRE_ZONE_allow</c>). Read from the dump, not the scenario, so that a recorded fixture
/// is checked the same way as a live run.
/// </summary>
public static class FirewalldForwardPorts
{
    public static IReadOnlyList<(int Port, IPAddress To, int ToPort)> From(string nftJson)
    {
        if (nftJson.Trim().Length == 0) return [];
        var found = new List<(int, IPAddress, int)>();
        foreach (var o in JsonDocument.Parse(nftJson).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!o.TryGetProperty("rule", out var rule) || rule.GetProperty("table").GetString() != "firewalld") continue;
            int? port = null;
            (IPAddress, int)? to = null;
            foreach (var e in rule.GetProperty("expr").EnumerateArray())
            {
                if (e.TryGetProperty("match", out var m) && m.GetProperty("left").TryGetProperty("payload", out var p)
                    && p.TryGetProperty("protocol", out var proto) && proto.GetString() == "tcp"
                    && p.TryGetProperty("field", out var field) && field.GetString() == "dport"
                    && m.GetProperty("right").ValueKind == JsonValueKind.Number)
                    port = m.GetProperty("right").GetInt32();
                if (e.TryGetProperty("dnat", out var d) && d.TryGetProperty("addr", out var a) && a.ValueKind == JsonValueKind.String
                    && d.TryGetProperty("port", out var q) && q.ValueKind == JsonValueKind.Number && IPAddress.TryParse(a.GetString(), out var address))
                    to = (address, q.GetInt32());
            }

            if (port is { } from && to is var (ip, toPort)) found.Add((from, ip, toPort));
        }

        return found;
    }
}
