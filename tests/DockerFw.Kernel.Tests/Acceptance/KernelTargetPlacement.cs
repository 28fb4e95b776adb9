using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// Targets the kernel takes only in some tables or from some hooks (the xt_target's .table and
/// .hooks, checked on commit through the jumps), and DROP, which iptables refuses in nat: each dump
/// loaded into a namespace of our own with both back ends, and dockerfw refuses exactly what they refuse.
/// </summary>
public sealed class KernelTargetPlacement
{
    private static string Dump(string table, params string[] lines) => $"*{table}\n{string.Join("\n", lines)}\nCOMMIT\n";

    public static TheoryData<string, string> Dumps
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var table in new[] { "filter", "nat", "mangle", "raw", "security" })
            {
                foreach (var target in new[]
                         {
                             "-j REJECT", "-j CT --notrack", "-j NOTRACK", "-j CHECKSUM --checksum-fill", "-j TTL --ttl-set 1",
                             "-j TOS --set-tos 0x10", "-j DSCP --set-dscp 1", "-j CONNSECMARK --save", "-j NETMAP --to 10.0.0.0/24",
                             "-p tcp -j TPROXY --on-port 1 --on-ip 10.0.0.1", "-j DNAT --to-destination 10.0.0.1", "-j MASQUERADE",
                             "-j DROP", "-j MARK --set-mark 1", "-j LOG",
                         })
                    data.Add($"{table}: unreferenced {target}", Dump(table, ":USER - [0:0]", $"-A USER {target}"));
            }

            foreach (var chain in new[] { "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING" })
            {
                foreach (var target in new[] { "-j DNAT --to-destination 10.0.0.1", "-j SNAT --to-source 10.0.0.1", "-j MASQUERADE", "-j REDIRECT" })
                    data.Add($"nat {chain}: {target}", Dump("nat", $":{chain} ACCEPT [0:0]", $"-A {chain} -p tcp {target}"));
            }

            data.Add("DNAT reached from POSTROUTING through a jump and a goto", Dump("nat", ":POSTROUTING ACCEPT [0:0]", ":A - [0:0]", ":B - [0:0]",
                "-A POSTROUTING -j A", "-A A -g B", "-A B -j DNAT --to-destination 10.0.0.1"));
            data.Add("DNAT reached from PREROUTING through a jump and a goto", Dump("nat", ":PREROUTING ACCEPT [0:0]", ":A - [0:0]", ":B - [0:0]",
                "-A PREROUTING -j A", "-A A -g B", "-A B -j DNAT --to-destination 10.0.0.1"));
            data.Add("SNAT reached from INPUT and POSTROUTING", Dump("nat", ":INPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]", ":A - [0:0]",
                "-A INPUT -j A", "-A POSTROUTING -j A", "-A A -j SNAT --to-source 10.0.0.1"));
            data.Add("TPROXY in mangle OUTPUT", Dump("mangle", ":OUTPUT ACCEPT [0:0]", "-A OUTPUT -p tcp -j TPROXY --on-port 1 --on-ip 10.0.0.1"));
            data.Add("SYNPROXY in filter OUTPUT", Dump("filter", ":OUTPUT ACCEPT [0:0]", "-A OUTPUT -p tcp -j SYNPROXY --mss 1460"));
            data.Add("SYNPROXY in filter INPUT", Dump("filter", ":INPUT ACCEPT [0:0]", "-A INPUT -p tcp -j SYNPROXY --mss 1460"));
            data.Add("CLASSIFY in mangle INPUT", Dump("mangle", ":INPUT ACCEPT [0:0]", "-A INPUT -j CLASSIFY --set-class 1:1"));
            data.Add("CLASSIFY in mangle POSTROUTING", Dump("mangle", ":POSTROUTING ACCEPT [0:0]", "-A POSTROUTING -j CLASSIFY --set-class 1:1"));
            return data;
        }
    }

    [KernelTheory]
    [MemberData(nameof(Dumps))]
    public void Dockerfw_refuses_a_misplaced_target_exactly_when_the_kernel_does(string name, string text)
    {
        var ours = IptablesSaveReader.Read(text, "t");
        foreach (var backend in new[] { "legacy", "nft" })
        {
            using var netns = Netns.Create();
            var kernel = netns.ExecWithInput(text, $"iptables-{backend}-restore");
            Assert.True(ours.Succeeded == kernel.Ok,
                $"{name}: dockerfw {(ours.Succeeded ? "accepts" : $"refuses ({ours.Errors.First().Render()})")}, {backend} {(kernel.Ok ? "loads" : $"refuses ({kernel.Error.Trim()})")}");
        }
    }
}
