using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// What libxtables checks of a rule before the kernel sees it, from each extension's own option table
/// (docs/acceptance.md): values dockerfw keeps are read as their type reads them, mandatory options,
/// options that exclude or need one another, options that may not repeat. Each refusal is restore's.
/// </summary>
public class OptionTableTests
{
    [Theory]
    // Strings an extension reads as words: statistic's modes, policy's directions and policies, packet types.
    [InlineData("-A INPUT -m statistic --mode Irandom --probability 0.5 -j ACCEPT", "t:4:30: error: expected one of random, nth, but got 'Irandom' [DFW106]")]
    [InlineData("-A INPUT -m policy --pol in --dir ipsec -j ACCEPT", "t:4:26: error: expected one of none, ipsec, but got 'in' [DFW106]")]
    [InlineData("-A INPUT -m pkttype --pkt-type broad -j ACCEPT", "t:4:32: error: expected one of unicast, broadcast, multicast, host, otherhost, but got 'broad' [DFW106]")]
    // Numbers within the type's bounds (C's strtoul and strtod), MAC addresses, limit's rate.
    [InlineData("-A INPUT -m statistic --mode random --probability 1.5 -j ACCEPT", "t:4:51: error: expected a number 0-1 (as C's strtod reads it), but got '1.5' [DFW106]")]
    [InlineData("-A INPUT -m limit --limit-burst 10001 -j ACCEPT", "t:4:33: error: expected a number 0-10000 (as in C: 010 = 8, 0x10 = 16), but got '10001' [DFW106]")]
    [InlineData("-A INPUT -m limit --limit 20000/s -j ACCEPT", "t:4:27: error: expected a rate N[/second|/minute|/hour|/day] of at most 10000/s, but got '20000/s' [DFW106]")]
    [InlineData("-A INPUT -m mac --mac-source 0x1:2:3:4:5:6 -j ACCEPT", "t:4:30: error: expected a MAC address XX:XX:XX:XX:XX:XX, but got '0x1:2:3:4:5:6' [DFW106]")]
    [InlineData("-A INPUT -m conntrack --ctexpire 1:2:3 -j ACCEPT", "t:4:34: error: expected a number or range N[:M] of at most 4294967295, but got '1:2:3' [DFW106]")]
    [InlineData("-A INPUT -j LOG --log-prefix \"\"", "t:4:30: error: expected at least 1 characters, but got '' [DFW106]")]
    // Mandatory options, and options that exclude or need another ("must be specified", "cannot be used together", "also requires").
    [InlineData("-A INPUT -m statistic --probability 0.5 -j ACCEPT", "t:4:13: error: expected --mode after -m statistic (mandatory), but got 'statistic' [DFW106]")]
    [InlineData("-A INPUT -m comment -j ACCEPT", "t:4:13: error: expected --comment after -m comment (mandatory), but got 'comment' [DFW106]")]
    [InlineData("-A INPUT -m statistic --mode random -j ACCEPT", "t:4:13: error: expected --probability with --mode random in one -m statistic, but got 'statistic' [DFW106]")]
    [InlineData("-A INPUT -m statistic --mode nth --every 3 --packet 3 -j ACCEPT", "t:4:13: error: expected --packet P with 0 <= P <= N-1 for --every N, but got '--packet 3' [DFW106]")]
    [InlineData("-A INPUT -m statistic --mode nth --every 3 -j ACCEPT", "t:4:13: error: expected --packet with --every in one -m statistic (it needs it), but got '--every' [DFW106]")]
    [InlineData("-A INPUT -m statistic --mode nth --every 2 --probability 0.5 -j ACCEPT", "t:4:13: error: expected --probability without --every in one -m statistic (one excludes the other), but got '--probability' [DFW106]")]
    [InlineData("-A INPUT -m policy --pol ipsec -j ACCEPT", "t:4:13: error: expected --dir in or --dir out after -m policy (mandatory), but got 'policy' [DFW106]")]
    // Target options: any given twice, one the library does not have.
    [InlineData("-A INPUT -j LOG --log-prefix x --log-prefix y", "t:4:32: error: expected --log-prefix at most once, but got it again [DFW105]")]
    public void Options_are_read_as_their_extension_reads_them(string line, string message) => FailsWithMessage(line, message);

    [Theory]
    [InlineData("-A POSTROUTING -j SNAT", "t:4:19: error: expected --to-source after -j SNAT (mandatory), but got 'SNAT' [DFW106]")]
    [InlineData("-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --random-fully", "t:4:55: error: unknown option \"--random-fully\" for target 'DNAT', expected one of --to-destination, --random, --persistent [DFW105]")]
    [InlineData("-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --to-destination 1.2.3.5", "t:4:55: error: expected --to-destination at most once, but got it again [DFW105]")]
    // NAT ports need a protocol with ports (restore: "Need TCP, UDP, SCTP or DCCP with port specification").
    [InlineData("-A PREROUTING -j DNAT --to-destination 1.2.3.4:80", "t:4:40: error: expected -p tcp, udp, sctp or dccp before NAT ports (restore: \"Need TCP, UDP, SCTP or DCCP with port specification\"), but got '1.2.3.4:80' [DFW106]")]
    [InlineData("-A PREROUTING -j REDIRECT --to-ports 80", "t:4:38: error: expected -p tcp, udp, sctp or dccp before NAT ports (restore: \"Need TCP, UDP, SCTP or DCCP with port specification\"), but got '80' [DFW106]")]
    public void Nat_options_are_read_as_their_extension_reads_them(string line, string message) => FailsWithMessage(line, message, table: "nat");

    [Theory]
    [InlineData("-A INPUT -m statistic --mode random --probability 0x0.8 -j ACCEPT")]
    [InlineData("-A INPUT -m statistic --mode nth --every 3 --packet 0x1 -j ACCEPT")]
    [InlineData("-A INPUT -m limit --limit 5/MIN -j ACCEPT")]
    [InlineData("-A INPUT -m limit --limit 4294967301/d -j ACCEPT")]
    [InlineData("-A INPUT -m pkttype --pkt-type Broadcast -j ACCEPT")]
    [InlineData("-A INPUT -m mac --mac-source +1:-1:3:4:5: -j ACCEPT")]
    [InlineData("-A INPUT -m conntrack --ctstatus assured,Confirmed -j ACCEPT")]
    [InlineData("-A INPUT -m policy --dir in -j ACCEPT")]
    public void Forms_restore_loads_are_read(string line) => SucceedsWith(line);

    [Theory]
    [InlineData("icmp-port-Unreachable", IpFamily.V4, "icmp-port-unreachable")]
    [InlineData("port", IpFamily.V4, "icmp-port-unreachable")]
    [InlineData("icmp", IpFamily.V4, "icmp-net-unreachable")]
    [InlineData("\"\"", IpFamily.V4, "icmp-net-unreachable")]
    [InlineData("a", IpFamily.V4, "icmp-admin-prohibited")]
    [InlineData("net-p", IpFamily.V4, "icmp-net-prohibited")]
    [InlineData("ICMP6-P", IpFamily.V6, "icmp6-port-unreachable")]
    [InlineData("a", IpFamily.V6, "icmp6-adm-prohibited")]
    [InlineData("r", IpFamily.V6, "icmp6-reject-route")]
    public void A_reject_type_is_the_first_in_restores_table_that_the_value_begins_in_any_case(string value, IpFamily family, string type) =>
        SucceedsWith($"-A INPUT -j REJECT --reject-with {value}", $"-A INPUT -j REJECT --reject-with {type}", family);

    [Theory]
    [InlineData("-A INPUT -j REJECT --reject-with tcp", IpFamily.V4, "t:4:34: error: expected -p tcp before --reject-with tcp-reset (the kernel refuses a TCP reset for other packets), but got 'tcp' [DFW106]")]
    [InlineData("-A INPUT ! -p tcp -j REJECT --reject-with tcp-reset", IpFamily.V4, "t:4:43: error: expected -p tcp before --reject-with tcp-reset (the kernel refuses a TCP reset for other packets), but got 'tcp-reset' [DFW106]")]
    [InlineData("-A INPUT -p tcp -j REJECT --reject-with tcp-rst", IpFamily.V6, "t:4:41: error: expected a reject type (icmp6-no-route, icmp6-adm-prohibited, icmp6-addr-unreachable, icmp6-port-unreachable, tcp-reset, icmp6-policy-fail, icmp6-reject-route, or the start of one), but got 'tcp-rst' [DFW106]")]
    [InlineData("-A INPUT -j REJECT --reject-with icmp-port-unreachablex", IpFamily.V4, "t:4:34: error: expected a reject type (icmp-net-unreachable, icmp-host-unreachable, icmp-proto-unreachable, icmp-port-unreachable, icmp-net-prohibited, icmp-host-prohibited, tcp-reset, icmp-admin-prohibited, or the start of one), but got 'icmp-port-unreachablex' [DFW106]")]
    public void A_reject_type_restore_refuses_is_refused(string line, IpFamily family, string message) => FailsWithMessage(line, message, family);

    [Theory]
    [InlineData("-6A INPUT -j ACCEPT", IpFamily.V4, "t:4:1: warning: rule marked '-6' for the other family left out, as iptables-restore leaves it out (a rule of one dump is for its own family) [DFW157]")]
    [InlineData("-A INPUT -j ACCEPT -6 -j DROP", IpFamily.V4, "t:4:20: warning: rule marked '-6' for the other family left out, as iptables-restore leaves it out (a rule of one dump is for its own family) [DFW157]")]
    [InlineData("-A INPUT --ipv6 -s 1.2.3.4 -j ACCEPT", IpFamily.V4, "t:4:10: warning: rule marked '--ipv6' for the other family left out, as iptables-restore leaves it out (a rule of one dump is for its own family) [DFW157]")]
    [InlineData("-4 -A INPUT -j ACCEPT", IpFamily.V6, "t:4:1: warning: rule marked '-4' for the other family left out, as ip6tables-restore leaves it out (a rule of one dump is for its own family) [DFW157]")]
    public void A_rule_for_the_other_family_is_left_out_as_restore_leaves_it_out_and_said(string line, IpFamily family, string warning)
    {
        var result = Read(line, family);
        Assert.Equal([warning], result.Diagnostics.Select(d => d.ToString()));
        Assert.Empty(result.Value!.Rules);
    }

    [Fact]
    public void What_comes_before_the_other_familys_option_is_still_read() =>
        FailsWithMessage("-A INPUT -p tcp --dport 99999 -6 -j ACCEPT", "t:4:25: error: expected a port or range (P, P:Q, P:, :Q with P <= Q; a number reads as in C, 010 = 8, 0x10 = 16), but got '99999' [DFW106]");

    [Theory]
    [InlineData("-4 -A INPUT -j ACCEPT", IpFamily.V4)]
    [InlineData("! -6 -A INPUT -j ACCEPT", IpFamily.V6)]
    public void The_own_familys_option_is_nothing(string line, IpFamily family) => SucceedsWith(line, "-A INPUT -j ACCEPT", family);

    /// <summary>Every option dockerfw's tables give a guided extension is one the extension's library declares.</summary>
    [Fact]
    public void Dockerfw_knows_no_option_the_library_does_not_declare()
    {
        var unknown = new List<string>();
        foreach (var family in new[] { IpFamily.V4, IpFamily.V6 })
        {
            foreach (var name in new[] { "statistic", "limit", "recent", "owner", "mac", "policy", "conntrack", "comment", "mark", "pkttype", "addrtype", "connbytes", "length", "hashlimit" })
            {
                if (MatchModules.Find(name) is not { } table || XtablesOptions.Find(false, name, family) is not { } declared) continue;
                unknown.AddRange(table.Expected.Where(o => XtablesOptions.Option(declared, o) is null).Select(o => $"{family} -m {name} {o}"));
            }
        }

        Assert.Empty(unknown);
    }
}
