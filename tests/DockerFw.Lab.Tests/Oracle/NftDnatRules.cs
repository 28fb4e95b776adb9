using System.Net;
using System.Text.Json;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// The native nft rules of a listing (nft.json) that match a TCP destination port and DNAT to an address
/// and port (<c>tcp dport 40123 dnat to 172.30.10.2:5017</c>), with their table and whether they also test a
/// destination address: the port forwards firewalld's (<see cref="FirewalldForwardPorts"/>) and an admin's
/// (<see cref="AdminForwardPorts"/>) tables hold, told apart by table.
/// </summary>
public static class NftDnatRules
{
    public static IEnumerable<(string Table, int Port, IPAddress To, int ToPort, bool Addressed)> Read(string nftJson)
    {
        if (nftJson.Trim().Length == 0) yield break;
        foreach (var o in JsonDocument.Parse(nftJson).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!o.TryGetProperty("rule", out var rule)) continue;
            int? port = null;
            (IPAddress, int)? to = null;
            var addressed = false;
            foreach (var e in rule.GetProperty("expr").EnumerateArray())
            {
                if (e.TryGetProperty("match", out var m) && m.GetProperty("left").TryGetProperty("payload", out var p) && p.TryGetProperty("field", out var field))
                {
                    if (p.TryGetProperty("protocol", out var proto) && proto.GetString() == "tcp" && field.GetString() == "dport" && m.GetProperty("right").ValueKind == JsonValueKind.Number)
                        port = m.GetProperty("right").GetInt32();
                    if (field.GetString() == "daddr") addressed = true;
                }

                if (e.TryGetProperty("dnat", out var d) && d.TryGetProperty("addr", out var a) && a.ValueKind == JsonValueKind.String
                    && d.TryGetProperty("port", out var q) && q.ValueKind == JsonValueKind.Number && IPAddress.TryParse(a.GetString(), out var address))
                    to = (address, q.GetInt32());
            }

            if (port is { } from && to is var (ip, toPort)) yield return (rule.GetProperty("table").GetString()!, from, ip, toPort, addressed);
        }
    }
}
