using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// An admin's own port forwards as the host's rules hold them (the thirteenth stream's, oracle
/// natstream): a rule of nat PREROUTING itself (not Docker's DOCKER chain) that matches a TCP
/// destination port with no address and DNATs to an address and port (<c>-A PREROUTING -p tcp -m tcp
/// --dport 40123 -j DNAT --to-destination 172.30.10.2:5017</c>), and the same in a native nft table of
/// nat chains (<c>table ip adminnat</c>: <c>tcp dport 40123 dnat to 172.30.10.2:5017</c>; iptables-nft's
/// own tables and firewalld's, <see cref="FirewalldForwardPorts"/>, are not an admin's). Read from the
/// dumps, not the scenario, so that a fixture is checked the same way as a live run. Every host address
/// is the forward's (no <c>-d</c>): as a port published on 0.0.0.0.
/// </summary>
public static partial class AdminForwardPorts
{
    public static IReadOnlyList<(int Port, IPAddress To, int ToPort)> From(string iptablesSave, string nftJson) =>
        [.. FromIptables(iptablesSave), .. FromNft(nftJson)];

    private static IEnumerable<(int, IPAddress, int)> FromIptables(string save)
    {
        var table = "";
        foreach (var line in save.Split('\n'))
        {
            if (line.StartsWith('*')) table = line[1..].Trim();
            if (table != "nat" || !line.StartsWith("-A PREROUTING ", StringComparison.Ordinal) || line.Contains(" -d ", StringComparison.Ordinal)) continue;
            if (Forward().Match(line) is { Success: true } m && IPAddress.TryParse(m.Groups["to"].Value, out var to))
                yield return (Int(m.Groups["port"].Value), to, Int(m.Groups["toport"].Value));
        }
    }

    private static IEnumerable<(int, IPAddress, int)> FromNft(string nftJson)
    {
        if (nftJson.Trim().Length == 0) yield break;
        foreach (var o in JsonDocument.Parse(nftJson).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!o.TryGetProperty("rule", out var rule) || IptablesOrFirewalld.Contains(rule.GetProperty("table").GetString()!)) continue;
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

            if (port is { } from && to is var (ip, toPort) && !addressed) yield return (from, ip, toPort);
        }
    }

    private static readonly string[] IptablesOrFirewalld = ["nat", "filter", "raw", "mangle", "security", "firewalld"];

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^-A PREROUTING (?:.* )?-p tcp (?:.* )?--dport (?<port>\d+) (?:.* )?-j DNAT --to-destination (?<to>[0-9.]+):(?<toport>\d+)\s*$")]
    private static partial Regex Forward();
}
