using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// The classes the third acceptance seed found (docs/acceptance.md), each loaded into a namespace of our own
/// with the legacy restore of its family: option values restore reads that dockerfw kept unread, mandatory
/// options, options that exclude or need one another or may not repeat, REJECT's types as case-blind
/// prefixes, NAT ports without a protocol that has ports, <c>-4</c>/<c>-6</c>, which drop a rule of the
/// other family; and what the fourth seed found: getopt_long's prefixes and <c>--opt=value</c>, interfaces a
/// built-in chain's packets do not have. dockerfw accepts each dump exactly when restore does and holds the rules save prints back.
/// </summary>
public sealed class KernelOptionTables
{
    public static TheoryData<int, string, string> Rules => new()
    {
        // Values of options dockerfw keeps, read by their extension.
        { 4, "filter", "-A INPUT -m statistic --mode Irandom --probability 0.5 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m statistic --mode random --probability 0x0.8 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m statistic --mode random --probability 1.5 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m statistic --mode nth --every 3 --packet 3 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m statistic --mode nth --every 2 --probability 0.5 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m statistic --mode nth --every 3 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m policy --pol in --dir ipsec -j ACCEPT" },
        { 4, "filter", "-A INPUT -m policy --pol ipsec -j ACCEPT" },
        { 4, "filter", "-A INPUT -m policy --dir in -j ACCEPT" },
        { 4, "filter", "-A INPUT -m limit --limit 5/MIN -j ACCEPT" },
        { 4, "filter", "-A INPUT -m limit --limit 20000/s -j ACCEPT" },
        { 4, "filter", "-A INPUT -m limit --limit 4294967301/d -j ACCEPT" },
        { 4, "filter", "-A INPUT -m limit --limit-burst 10001 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m pkttype --pkt-type Broadcast -j ACCEPT" },
        { 4, "filter", "-A INPUT -m pkttype --pkt-type broad -j ACCEPT" },
        { 4, "filter", "-A INPUT -m mac --mac-source 0x1:2:3:4:5:6 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m mac --mac-source +1:-1:3:4:5: -j ACCEPT" },
        { 4, "filter", "-A INPUT -m conntrack --ctexpire 1:2:3 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m conntrack --ctstatus assured, -j ACCEPT" },
        { 6, "filter", "-A INPUT -m hl --hl-eq 256 -j ACCEPT" },
        // Mandatory options.
        { 4, "filter", "-A INPUT -m comment -j ACCEPT" },
        { 4, "filter", "-A INPUT -p icmp -m icmp -j ACCEPT" },
        { 4, "nat", "-A POSTROUTING -j SNAT" },
        { 6, "nat", "-A PREROUTING -j DNAT" },
        // Target options: given twice, unknown to the library, a string too short.
        { 4, "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --to-destination 1.2.3.5" },
        { 4, "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 1.2.3.4 --random-fully" },
        { 4, "filter", "-A INPUT -j LOG --log-prefix x --log-prefix y" },
        { 4, "filter", "-A INPUT -j LOG --log-prefix \"\"" },
        { 4, "filter", "-A INPUT -j MARK --set-mark 1 --or-mark 2" },
        // NAT ports need -p tcp, udp, sctp or dccp (the number only: `! -p tcp` passes).
        { 4, "nat", "-A PREROUTING -j DNAT --to-destination 1.2.3.4:80" },
        { 4, "nat", "-A PREROUTING ! -p tcp -j DNAT --to-destination 1.2.3.4:80" },
        { 4, "nat", "-A PREROUTING -j REDIRECT --to-ports 80" },
        { 6, "nat", "-A POSTROUTING -j MASQUERADE --to-ports 80" },
        // REJECT: the first type of restore's table that the value begins, in any case; a TCP reset needs -p tcp.
        { 4, "filter", "-A INPUT -j REJECT --reject-with icmp-port-Unreachable" },
        { 4, "filter", "-A INPUT -j REJECT --reject-with icmp" },
        { 4, "filter", "-A INPUT -j REJECT --reject-with a" },
        { 4, "filter", "-A INPUT -j REJECT --reject-with icmp-port-unreachablex" },
        { 4, "filter", "-A INPUT -j REJECT --reject-with tcp-reset" },
        { 4, "filter", "-A INPUT -p tcp -j REJECT --reject-with T" },
        { 6, "filter", "-A INPUT -j REJECT --reject-with r" },
        { 6, "filter", "-A INPUT -p tcp -j REJECT --reject-with tcp-rst" },
        // getopt_long: an unambiguous prefix among the options known so far, --opt=value.
        { 4, "filter", "-A INPUT -p tcp --dp 80 -j ACCEPT" },
        { 4, "filter", "-A INPUT -p tcp --sou 1.2.3.4 --j ACCEPT" },
        { 4, "filter", "-A INPUT -p tcp --dport 80 --sou 1.2.3.4 -j ACCEPT" },
        { 4, "filter", "-A INPUT -m conntrack --ctst NEW -j ACCEPT" },
        { 4, "filter", "-A INPUT -m conntrack --ctstate=NEW -j ACCEPT" },
        { 4, "filter", "-A INPUT --mat mark --mark 1 --ma 2 -j ACCEPT" },
        { 4, "filter", "-A INPUT --fragm -j LOG --log-p x" },
        { 4, "filter", "-A INPUT --fragment=x -j ACCEPT" },
        { 4, "filter", "-A INPUT --in-int=e -j ACCEPT" },
        { 6, "filter", "-A INPUT --protocol=tcp -j ACCEPT" },
        // iptables' check of a built-in chain's interfaces, by the chain's name.
        { 4, "filter", "-A INPUT -o eth0 -j ACCEPT" },
        { 4, "raw", "-A OUTPUT -i eth0 -j ACCEPT" },
        { 6, "nat", "-A POSTROUTING ! -i eth0 -j ACCEPT" },
        { 6, "filter", "-A FORWARD -o eth0 -j ACCEPT" },
        // -4/-6: nothing in its own family's dump, the rule left out in the other's.
        { 4, "filter", "-6A INPUT -j ACCEPT" },
        { 4, "filter", "-A INPUT -j ACCEPT -6 -j DROP" },
        { 4, "filter", "-A INPUT -p tcp --dport 99999 -6 -j ACCEPT" },
        { 4, "filter", "-4 -A INPUT -j ACCEPT" },
        { 6, "filter", "-4 -A INPUT -j ACCEPT" },
        { 6, "filter", "-A INPUT -6 -j ACCEPT" },
    };

    [KernelTheory]
    [MemberData(nameof(Rules))]
    public void Dockerfw_accepts_each_rule_as_legacy_restore_does(int family, string table, string rule)
    {
        var chain = rule.Split(' ')[1];
        var text = $"*{table}\n:{chain} ACCEPT [0:0]\n{rule}\nCOMMIT\n";
        if (LegacyRestore.Agree(text, table, family == 6 ? IpFamily.V6 : IpFamily.V4) is not (var ours, var saved)) return;
        Assert.Equal(saved.Count, ours.Rules.Count());
        // Kept values are printed as written (statistic's probability, limit's rate): only typed targets are compared whole.
        if (rule.Contains("REJECT", StringComparison.Ordinal) || saved.Count == 0)
            Assert.Equal(saved, ours.Rules.Select(r => IptablesSaveWriter.FormatRule(r)));
    }
}
