using DockerFw.Lab.Tests.Lab;
using static DockerFw.Lab.Tests.Oracle.NatTamperKinds;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>The thirteenth stream's edits (<see cref="TamperCatalogue.DrawNat"/>): an admin's NAT rules beside Docker's.</summary>
public static partial class TamperApplier
{
    /// <summary>A local port nothing in the lab serves (the probes' unused ports are 64998 and 64999).</summary>
    private const string Unserved = "64997";

    private static bool ApplyNat(BuiltScenario s, Tamper t)
    {
        var lab = s.Lab;
        string Ip(string? container) => s.Ip(container!).ToString();
        string Subnet(string? network) => s.Spec.Networks.Single(n => n.Name == network).Subnet;
        switch (t.Kind)
        {
            case ForwardPort:
                // Appended: Docker's jump comes first, and its DOCKER chain DNATs only the ports it publishes.
                lab.MustInLab("iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", Port(t), "-j", "DNAT", "--to-destination", $"{Ip(t.Container)}:{t.Other}");
                break;
            case ForwardPortAccepted:
                lab.MustInLab("iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", Port(t), "-j", "DNAT", "--to-destination", $"{Ip(t.Container)}:{t.Other}");
                // The admin's accept for it: what DOCKER-USER sees is the container's address and port.
                lab.MustInLab("iptables", "-I", "DOCKER-USER", "-i", "uplink0", "-d", Ip(t.Container), "-p", "tcp", "--dport", t.Other!, "-j", "ACCEPT");
                break;
            case RedirectToPublished:
                lab.MustInLab("iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "--dport", Port(t), "-j", "REDIRECT", "--to-ports", t.Other!);
                break;
            case RedirectPublishedAway:
                // Inserted: before Docker's jump, so Docker's DNAT never sees the port's connections.
                lab.MustInLab("iptables", "-t", "nat", "-I", "PREROUTING", "-p", "tcp", "--dport", Port(t), "-j", "REDIRECT", "--to-ports", Unserved);
                break;
            case SnatBeforeMasquerade:
                lab.MustInLab("iptables", "-t", "nat", "-I", "POSTROUTING", "-s", Subnet(t.Network), "-o", "uplink0", "-j", "SNAT", "--to-source", OracleLab.SecondHostAddress);
                break;
            case ReturnBeforeMasquerade:
                lab.MustInLab("iptables", "-t", "nat", "-I", "POSTROUTING", "-s", Subnet(t.Network), "-j", "RETURN");
                break;
            case ReturnBeforeDocker:
                lab.MustInLab("iptables", "-t", "nat", "-I", "PREROUTING", "-j", "RETURN");
                break;
            case ReturnHostPort:
                lab.MustInLab("iptables", "-t", "nat", "-I", "PREROUTING", "-p", t.Other!, "--dport", Port(t), "-j", "RETURN");
                break;
            case NotrackPublishedPort:
                lab.MustInLab("iptables", "-t", "raw", "-I", "PREROUTING", "-p", t.Other!, "--dport", Port(t), "-j", "CT", "--notrack");
                break;
            case NotrackContainer:
                lab.MustInLab("iptables", "-t", "raw", "-I", "PREROUTING", "-s", Ip(t.Container), "-j", "CT", "--notrack");
                break;
            case NftDnatPort:
                // Before Docker's DNAT (iptables' nat, -100): the first NAT a connection meets binds it.
                Nft(lab, $"table ip adminnat {{\n chain admin_prerouting {{ type nat hook prerouting priority -110; tcp dport {Port(t)} dnat to {Ip(t.Container)}:{t.Other}; }}\n}}\n");
                break;
            case NftSnat:
                // srcnat - 10 runs before iptables' nat POSTROUTING (100): Docker's MASQUERADE never sees these connections.
                Nft(lab, $"table ip adminnat {{\n chain admin_postrouting {{ type nat hook postrouting priority srcnat - 10; ip saddr {Subnet(t.Network)} oifname \"uplink0\" snat to {OracleLab.SecondHostAddress}; }}\n}}\n");
                break;
            default:
                return false;
        }

        return true;
    }
}
