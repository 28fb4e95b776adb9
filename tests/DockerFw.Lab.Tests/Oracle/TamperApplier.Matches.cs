using DockerFw.Lab.Tests.Lab;
using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>The twelfth stream's edits (<see cref="TamperCatalogue.DrawMatches"/>): matches beyond addresses, ports and state.</summary>
public static partial class TamperApplier
{
    private static bool ApplyMatch(BuiltScenario s, Tamper t)
    {
        var lab = s.Lab;
        string Br(string? network) => s.Bridges[network!];
        string Ip(string? container) => s.Ip(container!).ToString();
        string[] ToPort() => ["-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t)];
        switch (t.Kind)
        {
            case CtOrigDstPortDrop:
                // Docker's documentation: DOCKER-USER sees the container's port, conntrack remembers the host's.
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", t.Other!, "-m", "conntrack", "--ctorigdstport", Port(t), "--ctdir", "ORIGINAL", "-j", "DROP");
                break;
            case UplinkDropNotCtOrigDst:
                // "Only what was sent to my address": the replies of containers' own connections out were
                // sent to the remote end, and published ports reached on the second address to that one.
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", "uplink0", "-m", "conntrack", "!", "--ctorigdst", LabDaemon.UplinkAddress, "-j", "DROP");
                break;
            case MarkDropBetween:
                lab.MustInLab("iptables", "-t", "mangle", "-A", "PREROUTING", "-i", Br(t.Network), "-j", "MARK", "--set-xmark", "0x10/0x10");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-o", Br(t.Other), "-m", "mark", "--mark", "0x10/0x10", "-j", "DROP");
                break;
            case ConnmarkDropFromUplink:
                lab.MustInLab("iptables", "-t", "mangle", "-A", "PREROUTING", "-i", "uplink0", "-m", "conntrack", "--ctstate", "NEW", "-j", "CONNMARK", "--set-mark", "0x20");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-m", "connmark", "--mark", "0x20", "-j", "DROP");
                break;
            case SynDropToPort:
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", .. ToPort(), "--tcp-flags", "SYN,ACK", "SYN", "-j", "DROP"]);
                break;
            case PhysdevBridgedDrop:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-m", "physdev", "--physdev-is-bridged", "-j", "DROP");
                break;
            case LengthDropToPort:
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", .. ToPort(), "-m", "length", "--length", "1000:65535", "-j", "DROP"]);
                break;
            case RecentDropOnUplink:
                // A port-scan list, as psad or an admin's recipe keeps it; nothing has put an address on it.
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", "uplink0", "-m", "recent", "--name", "dfw-scanners", "--rcheck", "--seconds", "86400", "-j", "DROP");
                break;
            case IpRangeDropToContainer:
                var net = s.Spec.Networks.Single(n => n.Name == t.Network).Subnet.Split('/')[0];
                var prefix = net[..net.LastIndexOf('.')];
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-m", "iprange", "--src-range", $"{prefix}.2-{prefix}.127", "-d", Ip(t.Container), "-j", "DROP");
                break;
            case LimitToPort:
                // Above the rate, DROP; the probes never reach it (burst 100), but no rule says so.
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", .. ToPort(), "-j", "DROP"]);
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", .. ToPort(), "-m", "limit", "--limit", "10/minute", "--limit-burst", "100", "-j", "RETURN"]);
                break;
            case ScanFlagsDrop:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "tcp", "--tcp-flags", "ALL", "FIN,PSH,URG", "-j", "DROP");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "tcp", "--tcp-flags", "ALL", "NONE", "-j", "DROP");
                // The guides' other impossible combinations (oracle F55: once read as killing every TCP reply).
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN,RST", "-j", "DROP");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "tcp", "--tcp-flags", "FIN,RST", "FIN,RST", "-j", "DROP");
                break;
            case IcmpTimestampDrop:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "icmp", "--icmp-type", "timestamp-request", "-j", "DROP");
                break;
            case MarkedDrop:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-m", "mark", "!", "--mark", "0x0", "-j", "DROP");
                break;
            case InvalidDrop:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
                break;
            default:
                return false;
        }

        return true;
    }
}
