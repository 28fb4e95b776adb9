using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F36 (seed 5076) with real packets, on F26's host: the client (fd00:b::3, brb) pings the
/// server's front address (fd00:a::2) through the host; the server answers from its back endpoint,
/// switched on brb. firewalld's reverse-path chain (accepting ICMPv6 134-135 before a strict fib
/// check) lets the server's neighbour discovery through but drops its echo reply: its source is
/// front's, whose route leaves by bra. The container matrix must say one-way for every flow, with no
/// "possible" ICMPv6 connection (134-135 open none) and no doubt about neighbour discovery (the
/// host's own link-local addresses, which the check drops, are no container's).
/// </summary>
public sealed class ReplyAcrossReversePathKernelTests
{
    private const string FirewalldReversePath = """
        table inet dfwr_firewalld {
            chain filter_PREROUTING {
                type filter hook prerouting priority filter + 10; policy accept;
                icmpv6 type { nd-router-advert, nd-neighbor-solicit } accept
                iifname "brb" ip6 saddr fd00:a::2 icmpv6 type echo-reply counter comment "echo-reply-from-front-on-brb"
                meta nfproto ipv6 fib saddr . mark . iif oif missing drop
            }
        }
        """;

    [KernelFact]
    public void A_multi_homed_servers_echo_reply_dropped_by_the_strict_check_is_one_way_without_doubt()
    {
        using var lab = new TwoBridgeLab();
        lab.LoadNft(FirewalldReversePath);

        Assert.False(lab.Echoes("client", "fd00:a::2"), "the echo reply from front's address on brb fails the strict check");
        // The reply left the server: its neighbour discovery on brb passed the same rules.
        Assert.True(lab.Counted("echo-reply-from-front-on-brb") > 0, "the server answered on brb: it found the client's link there");

        var entry = lab.Entry("fd00:b::3", "fd00:a::2");
        Assert.All(entry.Flows, f => Assert.Equal(("one-way", false), (f.Kind, f.Possible)));
        Assert.Contains("switched on brb", entry.ReplyWay, StringComparison.Ordinal);
        Assert.DoesNotContain("neighbour discovery", entry.ReplyWay, StringComparison.Ordinal);
    }
}
