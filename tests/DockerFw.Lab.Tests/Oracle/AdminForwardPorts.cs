using System.Globalization;
using System.Net;
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

    private static IEnumerable<(int, IPAddress, int)> FromNft(string nftJson) =>
        NftDnatRules.Read(nftJson).Where(r => !IptablesOrFirewalld.Contains(r.Table) && !r.Addressed).Select(r => (r.Port, r.To, r.ToPort));

    private static readonly string[] IptablesOrFirewalld = ["nat", "filter", "raw", "mangle", "security", "firewalld"];

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^-A PREROUTING (?:.* )?-p tcp (?:.* )?--dport (?<port>\d+) (?:.* )?-j DNAT --to-destination (?<to>[0-9.]+):(?<toport>\d+)\s*$")]
    private static partial Regex Forward();
}
