using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F40 with real packets, on F36's host (<see cref="TwoBridgeLab"/>) with Docker 27's ip6tables
/// (DOCKER-USER) beside firewalld's reverse-path chain: the client's connections to the server's front
/// address never complete (the server answers from front's address on brb, which the strict check
/// drops), and <c>audit --policy</c> with <c>allow back -> front</c> says what the kernel does:
/// one-way, not "may be blocked" (before F40 its neighbour-discovery gate counted the host's own
/// fe80::1 on brb among the server's link-local addresses, which the check drops as a source).
/// </summary>
public sealed class PolicyReversePathKernelTests
{
    private const string FirewalldReversePath = """
        table inet dfwr_firewalld {
            chain filter_PREROUTING {
                type filter hook prerouting priority filter + 10; policy accept;
                icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
                meta nfproto ipv6 fib saddr . mark . iif oif missing drop
            }
        }
        """;

    private const string Ip6tables = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -i bra -j ACCEPT
        -A FORWARD -i brb -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT

        """;

    [KernelFact]
    public void Audit_policy_calls_the_connection_the_strict_check_breaks_one_way_as_the_kernel_shows()
    {
        using var lab = new TwoBridgeLab();
        // nft's flush first: ip6tables-nft's tables are nft tables too.
        lab.LoadNft(FirewalldReversePath);
        lab.LoadIp6tables(Ip6tables);

        Assert.False(lab.Connects("client", "fd00:a::2", 80), "the server's answer from front's address on brb fails the strict check");
        Assert.True(lab.Connects("client", "fd00:b::2", 80), "on its own bridge the server answers from back's address, which passes");

        var pair = lab.PolicyFindings("allow back -> front").Where(m => m.StartsWith("over IPv6 (ip6tables), 'client' on 'back' -> 'server' on 'front'", StringComparison.Ordinal)).ToList();
        Assert.Contains("new connections get their first packet through but not the replies, but the policy", Assert.Single(pair), StringComparison.Ordinal);
    }
}
