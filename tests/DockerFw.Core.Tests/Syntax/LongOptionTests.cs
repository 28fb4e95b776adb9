using static DockerFw.Core.Tests.Syntax.AssertReader;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Long options as getopt_long hands them to restore (docs/acceptance.md): an unambiguous prefix among the
/// options known at that point, and <c>--opt=value</c>; and iptables' check of the interfaces a chain's packets have.
/// </summary>
public class LongOptionTests
{
    [Theory]
    [InlineData("-A INPUT -p tcp --dp 80 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT")]
    [InlineData("-A INPUT -p tcp --dport=80 -j ACCEPT", "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT")]
    [InlineData("-A INPUT --proto tcp --jum ACCEPT", "-A INPUT -p tcp -j ACCEPT")]
    [InlineData("-A INPUT --sou 1.2.3.4 --j ACCEPT", "-A INPUT -s 1.2.3.4/32 -j ACCEPT")]
    [InlineData("-A INPUT --fragm -j ACCEPT", "-A INPUT -f -j ACCEPT")]
    [InlineData("-A INPUT --mat mark --mark=1 -j ACCEPT", "-A INPUT -m mark --mark 0x1 -j ACCEPT")]
    [InlineData("-A INPUT -m conntrack --ctstate=NEW -j ACCEPT", "-A INPUT -m conntrack --ctstate NEW -j ACCEPT")]
    [InlineData("-A INPUT -m comment --comm x -j LOG --log-p y", "-A INPUT -m comment --comment x -j LOG --log-prefix y")]
    // -p's match is loaded only for a name no loaded option takes: --sou is still --source here.
    [InlineData("-A INPUT -p tcp --sou 1.2.3.4 -j ACCEPT", "-A INPUT -s 1.2.3.4/32 -p tcp -j ACCEPT")]
    public void A_long_option_is_the_option_getopt_takes_it_for(string line, string canonical) => SucceedsWith(line, canonical);

    [Theory]
    // Two options begin so (--ctstate, --ctstatus; --match, --mark; --in-interface, --insert).
    [InlineData("-A INPUT -m conntrack --ctst NEW -j ACCEPT", "t:4:23: error: unknown option \"--ctst\", expected one of -s, -d, -i, -o, -p, -f, -m MODULE, -j TARGET, -g CHAIN (port options need -p tcp/udp or -m MODULE first) [DFW105]")]
    [InlineData("-A INPUT --in eth0 -j ACCEPT", "t:4:10: error: unknown option \"--in\", expected one of -s, -d, -i, -o, -p, -f, -m MODULE, -j TARGET, -g CHAIN (port options need -p tcp/udp or -m MODULE first) [DFW105]")]
    // A value for an option that takes none; a core option's glued value is the whole argument.
    [InlineData("-A INPUT --fragment=x -j ACCEPT", "t:4:10: error: unknown option \"--fragment=x\", expected one of -s, -d, -i, -o, -p, -f, -m MODULE, -j TARGET, -g CHAIN (port options need -p tcp/udp or -m MODULE first) [DFW105]")]
    [InlineData("-A INPUT --protocol=tcp -j ACCEPT", "t:4:10: error: expected a protocol name or number (tcp, udp, icmp, 47, ...), but got '--protocol=tcp' [DFW106]")]
    public void A_long_option_getopt_refuses_is_refused(string line, string message) => FailsWithMessage(line, message);

    [Theory]
    [InlineData("-A INPUT -o eth0 -j ACCEPT", "filter", "t:4:4: error: expected no -o in a rule of INPUT (restore: \"Can't use -o with INPUT\"), but got '-o' [DFW106]")]
    [InlineData("-A POSTROUTING -i eth0 -j ACCEPT", "mangle", "t:4:4: error: expected no -i in a rule of POSTROUTING (restore: \"Can't use -i with POSTROUTING\"), but got '-i' [DFW106]")]
    public void A_chain_whose_packets_have_no_such_interface_refuses_it(string line, string table, string message) =>
        FailsWithMessage(line, message, table: table);
}
