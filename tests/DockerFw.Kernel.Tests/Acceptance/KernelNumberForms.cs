using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// The number and address forms iptables reads in more than one way (strtoul base 0, getaddrinfo's
/// decimal, inet_aton, inet_pton), each loaded into a namespace of our own with both back ends:
/// dockerfw accepts the rule exactly when the kernel's restore does, and prints it as the kernel's
/// save prints it back (docs/acceptance.md). The Syntax tests pin the same forms without a kernel.
/// </summary>
public sealed class KernelNumberForms
{
    public static TheoryData<string, string> Rules => new()
    {
        // tcp, sctp, multiport: xtables_parse_port, base 0.
        { "filter", "-A INPUT -p tcp -m tcp --dport 010 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport 0X50 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport +80 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --sport 010:0x20 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport 08 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport 00008 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport 0x -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m tcp --dport 90:80 -j ACCEPT" },
        { "filter", "-A INPUT -p sctp -m sctp --sport 010:0x20 -j ACCEPT" },
        { "filter", "-A INPUT -p sctp -m sctp --dport 90:80 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m multiport --dports 010,0x10,+5:0x7 -j ACCEPT" },
        { "filter", "-A INPUT -p tcp -m multiport --dports 08 -j ACCEPT" },
        // udp, dccp: getaddrinfo's decimal service, 16 bits of it.
        { "filter", "-A INPUT -p udp -m udp --sport 010 -j ACCEPT" },
        { "filter", "-A INPUT -p udp -m udp --sport 00080 -j ACCEPT" },
        { "filter", "-A INPUT -p udp -m udp --sport 65617 -j ACCEPT" },
        { "filter", "-A INPUT -p udp -m udp --sport 0x20 -j ACCEPT" },
        { "filter", "-A INPUT -p udp -m udp --sport 80::90 -j ACCEPT" },
        { "filter", "-A INPUT -p udp -m udp --sport 2147483648 -j ACCEPT" },
        { "filter", "-A INPUT -p dccp -m dccp --sport 010 -j ACCEPT" },
        { "filter", "-A INPUT -p dccp -m dccp --sport 0x10 -j ACCEPT" },
        { "filter", "-A INPUT -p udplite --sport 10 -j ACCEPT" },
        // -s/-d: numeric_to_ipaddr, then inet_aton; prefix lengths base 0.
        { "filter", "-A INPUT -d 1.2.3.4/+8 -j ACCEPT" },
        { "filter", "-A INPUT -d 1.2.3.4/0x10 -j ACCEPT" },
        { "filter", "-A INPUT -d 1.2.3.4/010 -j ACCEPT" },
        { "filter", "-A INPUT -d 1.2.3.4/00008 -j ACCEPT" },
        { "filter", "-A INPUT -d 1.2.3.4/0377.0.0.0 -j ACCEPT" },
        { "filter", "-A INPUT -s 1.2.3 -j ACCEPT" },
        { "filter", "-A INPUT -s 1 -j ACCEPT" },
        { "filter", "-A INPUT -s 010.1.2.3 -j ACCEPT" },
        { "filter", "-A INPUT -s 0x0a.1.2.3 -j ACCEPT" },
        { "filter", "-A INPUT -s 16909060 -j ACCEPT" },
        { "filter", "-A INPUT -s 1.2.768 -j ACCEPT" },
        { "filter", "-A INPUT -s 1.2.3.08 -j ACCEPT" },
        { "filter", "-A INPUT -s 1.2.3.4. -j ACCEPT" },
        { "filter", "-A INPUT -m iprange --src-range 010.1.2-9.2.3.0x4 -j ACCEPT" },
        // Marks, ICMP types, protocols: base 0.
        { "filter", "-A INPUT -m mark --mark 010/0x0f -j ACCEPT" },
        { "filter", "-A INPUT -m mark --mark 08 -j ACCEPT" },
        { "filter", "-A INPUT -m mark --mark 0x100000000 -j ACCEPT" },
        { "filter", "-A INPUT -j MARK --set-mark 010" },
        { "filter", "-A INPUT -p icmp -m icmp --icmp-type 010 -j ACCEPT" },
        { "filter", "-A INPUT -p icmp -m icmp --icmp-type 8/010 -j ACCEPT" },
        { "filter", "-A INPUT -p icmp -m icmp --icmp-type 08 -j ACCEPT" },
        { "filter", "-A INPUT -p 010 -j ACCEPT" },
        { "filter", "-A INPUT -p 0x6 -j ACCEPT" },
        { "filter", "-A INPUT -p 08 -j ACCEPT" },
        // conntrack's original and reply tuple: getaddrinfo's addresses (inet_aton), base-0 lengths or masks, decimal ports.
        { "filter", "-A INPUT -m conntrack --ctorigdst 010.1.2.3 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigdst 1.2.3 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigsrc 0x01020304/0x10 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctreplsrc 10.0.0.0/255.255.0.0 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctrepldst 1.2.3.4/abc -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigdst 1.2.3.4. -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack ! --ctorigdst 1.2.3.4/0 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigdstport 010 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigdstport 0x10 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigsrcport :90 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctreplsrcport 80: -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctrepldstport 65536 -j ACCEPT" },
        { "filter", "-A INPUT -m conntrack --ctorigdstport 80,81 -j ACCEPT" },
        // NAT: inet_pton addresses, base-0 ports.
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:0x50" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:010" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80-0x60" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:08" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 010.0.0.1" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.00.0.1" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.09" },
        { "nat", "-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:90-80" },
        { "nat", "-A PREROUTING -p tcp -j REDIRECT --to-ports 010" },
        { "nat", "-A PREROUTING -p tcp -j REDIRECT --to-ports 80-0x60" },
        { "nat", "-A POSTROUTING -p tcp -j MASQUERADE --to-ports 010-0x20" },
        { "nat", "-A POSTROUTING -j SNAT --to-source 010.1.1.1" },
    };

    [KernelTheory]
    [MemberData(nameof(Rules))]
    public void Dockerfw_reads_each_form_as_the_kernel_loads_it(string table, string rule)
    {
        var chain = rule.Split(' ')[1];
        var text = $"*{table}\n:{chain} ACCEPT [0:0]\nCOMMIT\n*{table}\n{rule}\nCOMMIT\n";
        var ours = IptablesSaveReader.Read(text, "t");
        foreach (var backend in new[] { "legacy", "nft" })
        {
            using var netns = Netns.Create();
            var kernel = netns.ExecWithInput(text, $"iptables-{backend}-restore");
            Assert.True(ours.Succeeded == kernel.Ok,
                $"{rule}: dockerfw {(ours.Succeeded ? "accepts" : $"refuses ({ours.Errors.First().Render()})")}, {backend} {(kernel.Ok ? "loads" : $"refuses ({kernel.Error.Trim()})")}");
            if (!kernel.Ok) continue;
            var saved = netns.Exec($"iptables-{backend}-save", "-t", table).EnsureOk().Out
                .Split('\n').Single(line => line.StartsWith("-A ", StringComparison.Ordinal));
            Assert.Equal(saved, IptablesSaveWriter.FormatRule(Assert.Single(ours.Value!.Rules)));
        }
    }
}
