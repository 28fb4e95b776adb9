using System.Net;

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
    public static IReadOnlyList<(int Port, IPAddress To, int ToPort)> From(string nftJson) =>
        [.. NftDnatRules.Read(nftJson).Where(r => r.Table == "firewalld").Select(r => (r.Port, r.To, r.ToPort))];
}
