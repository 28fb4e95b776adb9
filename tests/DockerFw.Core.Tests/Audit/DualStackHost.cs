using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using static DockerFw.Tests.Audit.AuditFixture;

namespace DockerFw.Tests.Audit;

/// <summary>
/// <see cref="DockerHost"/> with bridge1 dual-stack (2001:db8:1::/64), c1 at 2001:db8:1::2 beside
/// 192.0.2.2, and the ip6tables rules dockerd 20.10 writes for it. Examples add lines at a named
/// place, each with a comment saying what must happen.
/// </summary>
internal static class DualStackHost
{
    public static DockerView View(params PortBinding[] ports) => new(
        [WithV6(EngineView.Network("bridge1", "192.0.2.0/24"), "2001:db8:1::/64"), EngineView.Network("bridge2", "198.51.100.0/24")],
        [new DockerContainer("c1", "c1-id", true, "bridge1",
            [new DockerEndpoint("bridge1", "bridge1-id", IpAddressValue.Parse("192.0.2.2", IpFamily.V4), IpAddressValue.Parse("2001:db8:1::2", IpFamily.V6), [])],
            ["80/tcp"], [new PortBinding("tcp", 80, "0.0.0.0", 8080), .. ports], [])]);

    private static DockerNetwork WithV6(DockerNetwork network, string subnet) =>
        network with { Subnets = [.. network.Subnets, new DockerSubnet(AddressMask.TryParse(subnet, IpFamily.V6, out var s) ? s! : throw new ArgumentException(subnet), null)] };

    /// <summary>What dockerd 20.10 writes to ip6tables for bridge1 (IPv6) with c1's 8080->80 on <paramref name="hostMatch"/>.</summary>
    public static Ruleset V6(string hostMatch = "", string dnat = "", string user = "", string input = "", string docker = "", bool iccOff = false) => Read6($"""
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER - [0:0]
        :DOCKER-ISOLATION-STAGE-1 - [0:0]
        :DOCKER-ISOLATION-STAGE-2 - [0:0]
        :DOCKER-USER - [0:0]
        {input}
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-ISOLATION-STAGE-1
        -A FORWARD -o bridge1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -o bridge1 -j DOCKER
        -A FORWARD -i bridge1 ! -o bridge1 -j ACCEPT
        -A FORWARD -i bridge1 -o bridge1 -j {(iccOff ? "DROP" : "ACCEPT")}
        -A DOCKER -d 2001:db8:1::2/128 ! -i bridge1 -o bridge1 -p tcp -m tcp --dport 80 -j ACCEPT
        {docker}
        -A DOCKER-ISOLATION-STAGE-1 -i bridge1 ! -o bridge1 -j DOCKER-ISOLATION-STAGE-2
        -A DOCKER-ISOLATION-STAGE-1 -j RETURN
        -A DOCKER-ISOLATION-STAGE-2 -o bridge1 -j DROP
        -A DOCKER-ISOLATION-STAGE-2 -j RETURN
        {user}
        -A DOCKER-USER -j RETURN
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d ::1/128 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 2001:db8:1::/64 ! -o bridge1 -j MASQUERADE
        -A DOCKER -i bridge1 -j RETURN
        -A DOCKER {hostMatch}! -s fe80::/10 ! -i bridge1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [2001:db8:1::2]:80
        {dnat}
        COMMIT

        """);

    private static Ruleset Read6(string text)
    {
        var read = IptablesSaveReader.Read(text, "fixture.ip6tables-save", IpFamily.V6);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    public static AuditReport AuditOf(Ruleset v6, params PortBinding[] ports) => AuditOf(v6, View(ports));

    public static AuditReport AuditOf(Ruleset v6, DockerView view) =>
        Auditor.Run(new AuditContext(Read(new DockerHost().ToString()), v6, view, HostSettings.Unknown));

    /// <summary>c1's port published on every address, as Docker lists it: 0.0.0.0 and ::.</summary>
    /// <summary>A dual-stack container on bridge1 at 192.0.2.N and 2001:db8:1::N.</summary>
    public static DockerContainer Container(string name, int n, params string[] exposed) =>
        new(name, name + "-id", true, "bridge1",
            [new DockerEndpoint("bridge1", "bridge1-id", IpAddressValue.Parse($"192.0.2.{n}", IpFamily.V4), IpAddressValue.Parse($"2001:db8:1::{n}", IpFamily.V6), [])],
            [.. exposed], [], []);

    public static readonly PortBinding EveryAddress = new("tcp", 80, "::", 8080);
}
