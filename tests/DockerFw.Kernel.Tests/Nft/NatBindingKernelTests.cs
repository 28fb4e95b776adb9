using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Syntax.NftJson;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Two nat chains on one hook (Docker's iptables nat at priority -100, firewalld's forward port at
/// dstnat + 10): the kernel runs them by priority only until one binds the connection
/// (nf_nat_inet_fn), so the later DNAT never sees a packet the earlier one took (oracle seed 5127,
/// where Docker's SNAT and firewalld's MASQUERADE met the same way in POSTROUTING). The later DNAT
/// matches whatever came in by r1, rewritten or not, and a filter rule drops what goes to its
/// server: an engine that ran both chains would send Docker's packet there and drop it.
/// </summary>
public sealed class NatBindingKernelTests
{
    private const string Client = "10.210.1.2", Published = "10.210.9.9", Docker = "10.210.2.2", Other = "10.210.3.2";

    private static readonly string DockerNat = $"""
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -d {Published}/32 -p udp -m udp --dport 8080 -j DNAT --to-destination {Docker}:9999
        COMMIT

        """;

    private static readonly string Later = $$"""
        table inet dfwn_later {
            chain pre {
                type nat hook prerouting priority dstnat + 10; policy accept;
                iifname "r1" ip protocol udp dnat ip to {{Other}}:9999
            }
            chain filter_fwd {
                type filter hook forward priority filter; policy accept;
                ip daddr {{Other}} drop
            }
        }
        """;

    [KernelFact]
    public void A_later_nat_chain_of_the_hook_never_sees_a_packet_an_earlier_one_bound_and_the_engines_say_so()
    {
        using var router = Netns.Create();
        using var client = Netns.Create();
        using var docker = Netns.Create();
        using var other = Netns.Create();
        RoutedPeer.Link(router, "r1", "10.210.1.1/24", client, [$"{Client}/24"], "10.210.1.1");
        RoutedPeer.Link(router, "r2", "10.210.2.1/24", docker, [$"{Docker}/24"], "10.210.2.1");
        RoutedPeer.Link(router, "r3", "10.210.3.1/24", other, [$"{Other}/24"], "10.210.3.1");
        router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").EnsureOk();
        router.ExecWithInput(DockerNat, "iptables-restore").EnsureOk();
        router.ExecWithInput(Later, "nft", "-f", "-").EnsureOk();
        foreach (var server in new[] { docker, other })
            server.ExecWithInput("table ip dfwn_seen { chain input { type filter hook input priority 0; policy accept; udp dport 9999 counter; }; }",
                "nft", "-f", "-").EnsureOk();

        Assert.True(RoutedPeer.ArrivesWithin(() => Send(client, 8080), () => Arrived(docker)), "Docker's DNAT, the first on the hook, takes the published port");
        Send(client, 8081);
        Assert.Equal(0, Arrived(other));

        var ruleset = HostRuleset.Merge(
            IptablesSaveReader.Read(router.Exec("iptables-save").EnsureOk().Out, "iptables-save", IpFamily.V4).Value!,
            NftJsonReader.Read(router.Exec("nft", "-j", "list", "ruleset").EnsureOk().Out, "nft.json").Value!);
        var compiled = SymbolicRuleset.Compile(ruleset, null, new EvaluationContext());
        foreach (var (port, server, passes) in new[] { (8080, "r2", true), (8081, "r3", false) })
        {
            var datagram = new Packet(IpFamily.V4, V4(Client), V4(Published), Protocol.Udp, 40000, port, InInterface: "r1", OutInterface: server,
                TcpFlags: TcpFlags.None);
            var trace = PacketTracer.Trace(ruleset, datagram, PacketPath.Forward, new EvaluationContext());
            var reach = SymbolicEngine.Reach(compiled, new ReachQuery(PacketPath.Forward)
            {
                In = new InterfacePattern("r1"), Out = new InterfacePattern(server), Source = AddressMask.Host(IpFamily.V4, V4(Client)),
                Destination = AddressMask.Host(IpFamily.V4, V4(Published)), Protocol = Protocol.FromNumber(Protocol.Udp), State = ConntrackStates.New,
            });

            var expected = passes ? PacketVerdict.Accept : PacketVerdict.Drop;
            Assert.True(trace.Verdict == expected, $"trace of :{port}: {string.Join("; ", trace.Outcomes.Select(o => o.Verdict))}");
            Assert.Equal(passes ? ReachVerdict.Accept : ReachVerdict.Drop, reach.RegionOf(datagram)?.Verdict);
            if (passes) Assert.Equal(V4(Docker), trace.Single!.Packet.Destination);
        }
    }

    private static UInt128 V4(string text) => IpAddressValue.Parse(text, IpFamily.V4);

    private static void Send(Netns client, int port)
    {
        for (var i = 0; i < 2; i++)
            client.ExecBounded(TimeSpan.FromSeconds(10), "sh", "-c", $"nc -u -w0 -p 40000 {Published} {port} <<EOF\nx\nEOF").EnsureOk();
        Thread.Sleep(300);
    }

    private static long Arrived(Netns server)
    {
        var listing = server.Exec("nft", "list", "table", "ip", "dfwn_seen").EnsureOk().Out;
        var at = listing.IndexOf("packets ", StringComparison.Ordinal);
        return long.Parse(listing[(at + "packets ".Length)..].Split(' ')[0]);
    }

}
