using System.Text.RegularExpressions;
using DockerFw.Lab.Tests.Lab;
using static DockerFw.Lab.Tests.Oracle.TamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>Applies a tamper inside the lab namespace with the tools an admin would use (iptables, nft, sysctl).</summary>
public static partial class TamperApplier
{
    public static void Apply(BuiltScenario s, Tamper t)
    {
        var lab = s.Lab;
        string Br(string? network) => s.Bridges[network!];
        string Ip(string? container) => s.Ip(container!).ToString();
        var ct = t.Conntrack ? new[] { "-m", "conntrack", "--ctstate", "NEW" } : [];
        switch (t.Kind)
        {
            case UserDropBetween:
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-o", Br(t.Other), .. ct, "-j", "DROP"]);
                break;
            case UserAcceptBetween:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-o", Br(t.Other), "-j", "ACCEPT");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Other), "-o", Br(t.Network), "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
                break;
            case UserAcceptOneWay:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-o", Br(t.Other), "-j", "ACCEPT");
                break;
            case UserAcceptPortInside:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-o", Br(t.Network), "-p", "tcp", "--dport", Port(t), "-j", "ACCEPT");
                break;
            case UserDropContainerPort:
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", "-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t), .. ct, "-j", "DROP"]);
                break;
            case UserDropHostPort:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-p", "tcp", "--dport", Port(t), "-j", "DROP");
                break;
            case ForwardInsertAccept:
                lab.MustInLab("iptables", "-I", "FORWARD", "-i", Br(t.Network), "-o", Br(t.Other), "-j", "ACCEPT");
                break;
            case DeleteMasquerade:
                DeleteMatching(s, "nat", "POSTROUTING", l => l.Contains(s.Spec.Networks.Single(n => n.Name == t.Network).Subnet, StringComparison.Ordinal) && l.Contains("MASQUERADE", StringComparison.Ordinal));
                break;
            case DeleteIsolation:
                DeleteMatching(s, "filter", null, l => l.Contains("ISOLATION", StringComparison.Ordinal) && l.Contains(Br(t.Network), StringComparison.Ordinal) && l.EndsWith("-j DROP", StringComparison.Ordinal));
                break;
            case MoveIsolationReturn:
                lab.MustInLab("iptables", "-I", "DOCKER-ISOLATION-STAGE-1", "1", "-j", "RETURN");
                break;
            case DeleteLink:
                DeleteMatching(s, "filter", "DOCKER", l => l.Contains("-i docker0 -o docker0", StringComparison.Ordinal) && l.Contains("-j ACCEPT", StringComparison.Ordinal) && l.Contains("--dport", StringComparison.Ordinal));
                break;
            case NftDebianStock:
                Nft(lab, "table inet filter {\n chain input { type filter hook input priority filter; }\n chain forward { type filter hook forward priority filter; }\n chain output { type filter hook output priority filter; }\n}\n");
                break;
            case NftDropOtherPriority:
                Nft(lab, $"table inet guard {{\n chain guard_forward {{ type filter hook forward priority -10; ip daddr {Ip(t.Container)} tcp dport {Port(t)} drop; }}\n}}\n");
                break;
            case NftSetDrop:
                Nft(lab, $"table ip guardset {{\n set blocked {{ type ipv4_addr; elements = {{ {Ip(t.Container)} }} }}\n chain guard_forward {{ type filter hook forward priority 10; ip daddr @blocked ct state new drop; }}\n}}\n");
                break;
            case Ip6FilterLeftover:
                lab.MustInLab("ip6tables", "-N", "DFW-LEFTOVER");
                lab.MustInLab("ip6tables", "-X", "DFW-LEFTOVER");
                break;
            case BridgeNfOff:
                lab.MustInLab("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0");
                break;
            case BridgeNfOffOneBridge:
                lab.MustInLab("ip", "link", "set", "dev", Br(t.Network), "type", "bridge", "nf_call_iptables", "0");
                break;
            case IpForwardOff:
                lab.MustInLab("sysctl", "-qw", "net.ipv4.ip_forward=0");
                break;
            case UserDropEstablishedToPort:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t), "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "DROP");
                break;
            case NftDropEstablishedToPort:
                Nft(lab, $"table ip guardlater {{\n chain guard_forward {{ type filter hook forward priority 10; ip daddr {Ip(t.Container)} tcp dport {Port(t)} ct state established drop; }}\n}}\n");
                break;
            case UserDropEstablishedOut:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-o", "uplink0", "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "DROP");
                break;
            case UserNewOnlyToPort:
                // The admin's "let new connections to the port in, drop the rest", first in DOCKER-USER;
                // the replies (from the port) are not the rules'.
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t), "-j", "DROP");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t), "-m", "conntrack", "--ctstate", "NEW", "-j", "ACCEPT");
                break;
            case UplinkRecipe:
                // Docker's documented recipe for "only one client may reach the published ports".
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", "uplink0", "!", "-s", t.Other == "outside" ? LabDaemon.OutsideAddress : Stranger, "-j", "DROP");
                break;
            case UplinkDropContainerPort:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", "uplink0", "-d", Ip(t.Container), "-p", t.Other!, "--dport", Port(t), "-j", "DROP");
                break;
            case UplinkDropReplies:
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-o", "uplink0", "-s", Ip(t.Container), "-p", t.Other!, "--sport", Port(t), "-j", "DROP");
                break;
            case NftUplinkDropHostPort:
                // Before Docker's DNAT (dstnat, -100): the host port, as the client sent it.
                Nft(lab, $"table ip guardup {{\n chain guard_prerouting {{ type filter hook prerouting priority -150; iifname \"uplink0\" {t.Other} dport {Port(t)} drop; }}\n}}\n");
                break;
            case InputUplinkDropHostPort:
                lab.MustInLab("iptables", "-I", "INPUT", "-i", "uplink0", "-p", t.Other!, "--dport", Port(t), "-j", "DROP");
                break;
            case RawDropToHostAddress:
                lab.MustInLab("iptables", "-t", "raw", "-I", "PREROUTING", "-i", "uplink0", "-d", LabDaemon.UplinkAddress, "-j", "DROP");
                break;
            case RawDropToContainer:
                lab.MustInLab("iptables", "-t", "raw", "-I", "PREROUTING", "-d", Ip(t.Container), "-j", "DROP");
                break;
            case MangleDropEstablishedOnUplink:
                lab.MustInLab("iptables", "-t", "mangle", "-I", "PREROUTING", "-i", "uplink0", "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "DROP");
                break;
            case RawDropInvalidOnUplink:
                // Before conntrack no packet has an entry: the state match sees INVALID on every one.
                lab.MustInLab("iptables", "-t", "raw", "-I", "PREROUTING", "-i", "uplink0", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP");
                break;
            case NftRawDropEstablishedOnUplink:
                Nft(lab, "table ip guardraw {\n chain guard_raw { type filter hook prerouting priority -300; iifname \"uplink0\" ct state established drop; }\n}\n");
                break;
            case IpsetDropToNetwork:
                lab.MustInLab("ipset", "create", "dfw-nets", "hash:net");
                lab.MustInLab("ipset", "add", "dfw-nets", s.Spec.Networks.Single(n => n.Name == t.Other).Subnet);
                if (t.Container is { } excepted)
                    lab.MustInLab("ipset", "add", "dfw-nets", s.Endpoints.First(e => e.Container == excepted && e.Network == t.Other && e.Address is not null).Address!.ToString(), "nomatch");
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", Br(t.Network), "-m", "set", "--match-set", "dfw-nets", "dst", "-j", "DROP");
                break;
            case IpsetDropFromContainer:
                lab.MustInLab("ipset", "create", "dfw-hosts", "hash:ip");
                lab.MustInLab("ipset", "add", "dfw-hosts", Ip(t.Container));
                lab.MustInLab(["iptables", "-I", "DOCKER-USER", "-m", "set", "--match-set", "dfw-hosts", "src,dst", .. ct, "-j", "DROP"]);
                break;
            case LegacyDropBetween:
                lab.MustInLab("iptables-legacy", "-A", "FORWARD", "-i", Br(t.Network), "-o", Br(t.Other), "-j", "DROP");
                break;
            case LegacyDropContainerPort:
                lab.MustInLab("iptables-legacy", "-A", "FORWARD", "-d", Ip(t.Container), "-p", "tcp", "--dport", Port(t), "-j", "DROP");
                break;
            case LegacyForwardPolicyDrop:
                lab.MustInLab("iptables-legacy", "-P", "FORWARD", "DROP");
                break;
            case UfwEnabled:
                Ufw.Run(lab, "allow", "22/tcp");
                Ufw.Enable(lab);
                break;
            case UfwDockerRecipe:
                Ufw.AppendDockerRecipe(lab);
                Ufw.Enable(lab);
                break;
            case UfwDenyHostPort:
                Ufw.Run(lab, "deny", Port(t));
                Ufw.Enable(lab);
                break;
            case UfwRouteAllowPort:
                Ufw.Run(lab, "route", "allow", "proto", "tcp", "from", "any", "to", Ip(t.Container), "port", Port(t));
                Ufw.Enable(lab);
                break;
            case UfwRouteDenyBetween:
                Ufw.Run(lab, "route", "deny", "in", "on", Br(t.Network), "out", "on", Br(t.Other));
                Ufw.Enable(lab);
                break;
            case UfwAllowRouted:
                Ufw.Run(lab, "default", "allow", "routed");
                Ufw.Enable(lab);
                break;
            case FirewalldRunning:
                break; // started before dockerd (OracleLab), which must find it at its start
            case FirewalldDockerZoneDrop or FirewalldPolicyReject or FirewalldAddPort or FirewalldAddService
                or FirewalldRichRejectSource or FirewalldMasquerade or FirewalldForwardPort:
                // Without firewalld (a shrunk list that left it out) firewall-cmd has no one to tell.
                if (lab.Firewalld is { } firewalld) FirewalldEdits.Apply(s, firewalld, t);
                break;
            default:
                if (!ApplyMatch(s, t) && !ApplyNat(s, t)) throw new InvalidOperationException($"unknown tamper {t.Kind}");
                break;
        }
    }

    /// <summary>A client on the uplink's network that no probe comes from.</summary>
    private const string Stranger = "198.51.100.9";

    private static string Port(Tamper t) => t.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Nft(OracleLab lab, string text)
    {
        var r = Processes.Run("ip", ["netns", "exec", lab.Netns, "nft", "-f", "-"], stdin: text);
        if (!r.Ok) throw new InvalidOperationException($"nft -f: {r}\n{text}");
    }

    /// <summary>Deletes every rule of the table (one chain, or all) whose <c>-S</c> line matches: iptables -D takes the same spec.</summary>
    private static void DeleteMatching(BuiltScenario s, string table, string? chain, Func<string, bool> match)
    {
        var lines = s.Lab.MustInLab(chain is null ? ["iptables", "-t", table, "-S"] : ["iptables", "-t", table, "-S", chain])
            .Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && match(l)).ToList();
        foreach (var line in lines)
            s.Lab.MustInLab(["iptables", "-t", table, "-D", .. Words().Split(line[3..].Trim())]);
    }

    [GeneratedRegex(" +")]
    private static partial Regex Words();
}
