using System.Text.Json;
using DockerFw.Kernel.Tests.Harness;
using DockerFw.Tests;

namespace DockerFw.Kernel.Tests.Nft;

/// <summary>
/// Oracle F45 with real packets, on Docker 29's nftables host (web 192.0.2.2, db .4 on bridge1,
/// masqueraded out of eth0; 8080 published to web:80; a client outside at 203.0.113.2), with a guard
/// of iptables rules (iptables-restore in the host namespace) on conntrack's virtual states. The kernel
/// sets them from the connection's status bits, on every packet of a NATed connection, replies too: a
/// drop of <c>--ctstate DNAT</c> coming out of the bridge kills every reply of the published port (the
/// client's connection never completes), a drop of <c>--ctstate SNAT</c> going out of it lets a
/// masqueraded connection open (its SYN is not SNAT yet in FORWARD) and carry nothing. The audit said
/// neither: it asked the replies and later packets ESTABLISHED alone.
/// </summary>
public sealed class NatStatesKernelTests
{
    private const string Outside = "203.0.113.2";

    private static NftHost Host() => new("moby29-nftables-usernet-portmap.nft",
        [new NftBridge("bridge1", "192.0.2.1/24", [("web", NftHost.Web, ["80"]), ("db", NftHost.Db, [])])], NftHost.DockerJson);

    private static void Guard(NftHost host, string rule) => Processes.Run("ip", ["netns", "exec", host.Host, "iptables-restore", "--noflush"],
        stdin: $"*filter\n:FORWARD ACCEPT [0:0]\n{rule}\nCOMMIT\n").EnsureOk();

    private static void RawGuard(NftHost host, string rule) => Processes.Run("ip", ["netns", "exec", host.Host, "iptables-restore", "--noflush"],
        stdin: $"*raw\n:PREROUTING ACCEPT [0:0]\n{rule}\nCOMMIT\n").EnsureOk();

    /// <summary>What a listener on <paramref name="port"/> in <paramref name="to"/> receives when <paramref name="from"/> sends "hello" to the address.</summary>
    private static string Received(NftHost host, string from, string to, string address, int port)
    {
        using var listener = Processes.Start("ip", ["netns", "exec", host.Ns(to), "timeout", "4", "nc", "-l", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Thread.Sleep(300);
        Processes.Run("ip", ["netns", "exec", host.Ns(from), "sh", "-c", $"printf hello | timeout 3 nc -N -w2 {address} {port}"], TimeSpan.FromSeconds(6));
        listener.WaitForExit();
        return listener.StandardOutput.ReadToEnd();
    }

    private static JsonElement Audit(NftHost host) =>
        JsonDocument.Parse(host.Dockerfw("", "audit", "--format", "json").Out).RootElement;

    private static string? Key(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static JsonElement Port(JsonElement audit) => audit.GetProperty("published_ports").EnumerateArray().Single();

    private static JsonElement Masquerade(JsonElement audit) => audit.GetProperty("networks").EnumerateArray()
        .Single(n => n.GetProperty("bridge").GetString() == "bridge1").GetProperty("masquerade");

    [KernelFact]
    public void A_dnat_state_drop_out_of_the_bridge_kills_every_reply_of_the_published_port_as_the_audit_says()
    {
        using var host = Host();
        Assert.True(host.Connects("out", NftHost.HostAddress, 8080), "before the guard the published port answers");

        Guard(host, "-A FORWARD -i bridge1 -m conntrack --ctstate DNAT -j DROP");

        Assert.False(host.Connects("out", NftHost.HostAddress, 8080), "web's SYN,ACK is ESTABLISHED,DNAT and dies: connect() fails");
        // db's own connections out are SNAT, not DNAT: they still carry data.
        Assert.Equal("hello", Received(host, "db", "out", Outside, 7000));
        var audit = Audit(host);
        // The namespace's host has no default route: the clients of its subnet get no reply (the rule),
        // the others none either (no route back: never sent).
        Assert.True(Key(Port(audit), "replies_dropped") == "from 203.0.113.0/24" && Key(Port(audit), "replies_unrouted") == "from any client but 203.0.113.0/24", Port(audit).ToString());
        Assert.True(Key(Masquerade(audit), "replies_dropped") is null && Key(Masquerade(audit), "later_dropped") is null, Masquerade(audit).ToString());
    }

    [KernelFact]
    public void A_snat_state_drop_out_of_the_bridge_lets_a_masqueraded_connection_open_and_carry_nothing_as_the_audit_says()
    {
        using var host = Host();
        Assert.Equal("hello", Received(host, "db", "out", Outside, 7000));

        Guard(host, "-A FORWARD -i bridge1 ! -o bridge1 -m conntrack --ctstate SNAT -j DROP");

        using (var listener = Processes.Start("ip", ["netns", "exec", host.Ns("out"), "timeout", "3", "nc", "-l", "7001"]))
        {
            Thread.Sleep(300);
            Assert.True(host.Connects("db", Outside, 7001), "the SYN out is NEW (MASQUERADE comes after FORWARD) and its SYN,ACK returns: connect() succeeds");
            listener.WaitForExit();
        }

        Assert.Equal("", Received(host, "db", "out", Outside, 7000));
        // The published port's connections in are DNAT alone: web still answers them.
        Assert.True(host.Connects("out", NftHost.HostAddress, 8080));
        var audit = Audit(host);
        Assert.True(Key(Masquerade(audit), "later_dropped") == "all" && Key(Masquerade(audit), "replies_dropped") is null, Masquerade(audit).ToString());
        Assert.True(Key(Port(audit), "later_dropped") is null && Key(Port(audit), "replies_dropped") is null, Port(audit).ToString());
    }

    [KernelFact]
    public void A_raw_prerouting_drop_of_the_host_address_kills_the_masqueraded_replies_and_drops_of_the_container_address_or_of_established_before_conntrack_do_not_as_the_audit_says()
    {
        using var host = Host();
        Assert.Equal("hello", Received(host, "db", "out", Outside, 7000));

        // Before conntrack (-200) nothing is established: an nft drop of it at raw's priority meets nothing.
        host.Nft("table inet early {\n chain pre {\n type filter hook prerouting priority -300; policy accept;\n ct state established drop\n }\n}\n");
        Assert.Equal("hello", Received(host, "db", "out", Outside, 7000));
        var early = Audit(host);
        Assert.True(Key(Masquerade(early), "replies_dropped") is null, Masquerade(early).ToString());
        host.Nft("delete table inet early");

        // db's connection out leaves as 203.0.113.1 (eth0's address): raw PREROUTING sees the replies
        // addressed to it, before conntrack undoes the MASQUERADE at nat's hook. A drop of db's own
        // address there never meets them.
        RawGuard(host, $"-A PREROUTING -d {NftHost.Db}/32 -j DROP");
        Assert.Equal("hello", Received(host, "db", "out", Outside, 7000));
        var spared = Audit(host);
        Assert.True(Key(Masquerade(spared), "replies_dropped") is null, Masquerade(spared).ToString());

        RawGuard(host, $"-A PREROUTING -d {NftHost.HostAddress}/32 -p tcp -m tcp --sport 7000 -j DROP");
        // The SYN,ACK from port 7000 dies in raw: the connection never completes, nothing arrives.
        Assert.Equal("", Received(host, "db", "out", Outside, 7000));
        var audit = Audit(host);
        Assert.True(Key(Masquerade(audit), "replies_dropped") == "tcp/7000", Masquerade(audit).ToString());
    }
}
