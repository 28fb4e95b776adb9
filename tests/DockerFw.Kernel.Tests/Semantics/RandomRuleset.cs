namespace DockerFw.Kernel.Tests.Semantics;

/// <summary>
/// Random rulesets over the topology's names and addresses, in the short form of
/// <see cref="Harness.RulesetText"/>. Every rule is one the kernel accepts: options only where
/// iptables allows them (no <c>-i</c> on output hooks, physdev in FORWARD, NAT targets in nat), and
/// user chains called from filter FORWARD only, without cycles.
/// </summary>
internal sealed class RandomRuleset(Random random)
{
    private static readonly string[] Addresses =
        ["10.201.1.2", "10.201.2.2", "10.201.3.2", "10.201.3.3", "10.201.3.4", "10.201.1.1", "10.201.2.1", "10.201.3.1", "10.201.9.1"];

    private static readonly int[] Prefixes = [8, 16, 23, 24, 30, 32];
    private static readonly string[] InterfacePatterns = ["r1", "r2", "br0", "r+", "br+", "vb1"];
    private static readonly string[] Ports = ["22", "53", "80", "443", "8080", "50:100", "1:1023", "20000:65535", "443:8080"];
    private static readonly string[] States = ["NEW", "ESTABLISHED", "RELATED,ESTABLISHED", "DNAT", "SNAT", "UNTRACKED", "NEW,UNTRACKED", "INVALID"];
    private static readonly string[] Marks = ["0x1", "0x2", "0x3", "0x1/0x1", "0x2/0x3", "0x0"];

    public string[] Generate()
    {
        var lines = new List<string>
        {
            $"filter -P FORWARD {Pick("ACCEPT", "DROP")}",
            $"filter -P INPUT {Pick("ACCEPT", "DROP")}",
        };
        Chain(lines, "raw", "PREROUTING", 2, () => Pick("", "", "", "-j ACCEPT", "-j NOTRACK"));
        Chain(lines, "mangle", "PREROUTING", 3, () => Pick("", "-j MARK --set-xmark 0x1/0x1", "-j MARK --set-mark 0x2", "-j CONNMARK --set-mark 0x3"));
        Chain(lines, "mangle", "FORWARD", 2, () => Pick("", "-j MARK --set-xmark 0x2/0x2", "-j ACCEPT"));
        Chain(lines, "mangle", "POSTROUTING", 2, () => Pick("", "-j MARK --set-mark 0x1"));
        Chain(lines, "nat", "PREROUTING", 3, () => "", routedNat: "PREROUTING");
        Chain(lines, "nat", "POSTROUTING", 2, () => "", routedNat: "POSTROUTING");
        Chain(lines, "nat", "OUTPUT", 1, () => Pick("", "-j ACCEPT"));
        Chain(lines, "filter", "FORWARD", 6, () => Pick("", "-j ACCEPT", "-j DROP", "-j REJECT", "-j U1", "-g U2"), minimum: 2);
        Chain(lines, "filter", "U1", 3, () => Pick("", "-j ACCEPT", "-j DROP", "-j RETURN", "-j U2"), minimum: 1);
        Chain(lines, "filter", "U2", 3, () => Pick("", "-j ACCEPT", "-j DROP", "-j RETURN", "-j REJECT"), minimum: 1);
        Chain(lines, "filter", "INPUT", 3, () => Pick("", "-j ACCEPT", "-j DROP", "-j REJECT"));
        Chain(lines, "filter", "OUTPUT", 2, () => Pick("", "-j ACCEPT", "-j DROP"));
        return [.. lines];
    }

    private void Chain(List<string> lines, string table, string chain, int most, Func<string> target, int minimum = 0, string? routedNat = null)
    {
        var hook = chain is "U1" or "U2" ? "FORWARD" : chain;
        for (var i = random.Next(minimum, most + 1); i > 0; i--)
        {
            var matches = Matches(table, hook);
            var action = routedNat is null ? target() : NatTarget(routedNat, ref matches);
            lines.Add($"{table} -A {chain} {matches} {action}".TrimEnd().Replace("  ", " "));
        }
    }

    /// <summary>NAT only on routed links: a bridged frame DNATed elsewhere would leave the bridge path.</summary>
    private string NatTarget(string hook, ref string matches)
    {
        var link = Pick("r1", "r2");
        var ports = (matches.Contains("-p tcp") || matches.Contains("-p udp")) && !matches.Contains("! -p");
        if (hook == "PREROUTING")
        {
            if (matches.Contains(" -i ") || matches.StartsWith("-i ") || matches.Contains("! -i")) return Pick("", "-j ACCEPT");
            matches = $"-i {link} {matches}";
            return Pick(
                "",
                $"-j DNAT --to-destination {Pick(Addresses[..5])}{(ports && Chance(0.5) ? ":" + Pick("53", "80", "5353") : "")}",
                ports ? $"-j REDIRECT --to-ports {Pick("53", "5353")}" : "-j ACCEPT");
        }
        if (matches.Contains(" -o ") || matches.StartsWith("-o ") || matches.Contains("! -o")) return Pick("", "-j ACCEPT");
        matches = $"-o {link} {matches}";
        return Pick("", "-j MASQUERADE", $"-j SNAT --to-source {(link == "r1" ? "10.201.1.1" : "10.201.2.1")}");
    }

    private string Matches(string table, string hook)
    {
        var parts = new List<string>();
        if (Chance(0.3)) parts.Add($"{Not()}-s {Pick(Addresses)}/{Pick(Prefixes)}");
        if (Chance(0.3)) parts.Add($"{Not()}-d {Pick(Addresses)}/{Pick(Prefixes)}");
        if (Chance(0.3) && hook is "PREROUTING" or "INPUT" or "FORWARD") parts.Add($"{Not()}-i {Pick(InterfacePatterns)}");
        if (Chance(0.3) && hook is "FORWARD" or "OUTPUT" or "POSTROUTING") parts.Add($"{Not()}-o {Pick(InterfacePatterns)}");
        var protocol = Chance(0.5) ? Pick("tcp", "udp", "icmp") : null;
        if (protocol is not null)
        {
            parts.Add($"{(Chance(0.15) ? "! " : "")}-p {protocol}");
            if (protocol != "icmp" && !parts[^1].StartsWith('!'))
            {
                if (Chance(0.4)) parts.Add($"{Not()}--dport {Pick(Ports)}");
                if (Chance(0.2)) parts.Add($"{Not()}--sport {Pick(Ports)}");
                // The probes are SYNs (nc's connect): a test each SYN meets or misses; one of --syn and --tcp-flags (restore refuses both).
                if (protocol == "tcp" && Chance(0.2)) parts.Add($"{Not()}--syn");
                else if (protocol == "tcp" && Chance(0.1)) parts.Add($"{Not()}--tcp-flags {Pick("SYN,ACK SYN", "ALL NONE", "ALL SYN", "SYN,ACK SYN,ACK")}");
                if (Chance(0.15)) parts.Add($"-m multiport {Not()}--dports {Pick("22,53,80", "443,8000:9000", "1:100")}");
            }
            if (protocol == "icmp" && !parts[^1].StartsWith('!') && Chance(0.4))
                parts.Add($"--icmp-type {Pick("echo-request", "echo-reply", "8/0", "destination-unreachable")}");
        }
        // In raw these see the packet before conntrack (INVALID): KernelCases pins that.
        if (Chance(0.2)) parts.Add($"-m conntrack {Not()}--ctstate {Pick(States)}");
        if (Chance(0.1)) parts.Add($"-m state --state {Pick("NEW", "ESTABLISHED,RELATED", "INVALID")}");
        if (Chance(0.15)) parts.Add($"-m mark {Not()}--mark {Pick(Marks)}");
        if (Chance(0.1)) parts.Add($"-m connmark {Not()}--mark {Pick(Marks)}");
        if (Chance(0.15) && hook == "FORWARD")
            parts.Add($"-m physdev {Pick("--physdev-in vb1", "--physdev-out vb2", "! --physdev-out vb2", "--physdev-out vb2 --physdev-is-bridged", "--physdev-is-bridged", "! --physdev-is-bridged", "--physdev-in vb3 --physdev-out vb1 --physdev-is-bridged", "--physdev-is-in")}");
        if (Chance(0.1)) parts.Add($"-m addrtype {Not()}{Pick("--dst-type", "--src-type")} {Pick("LOCAL", "UNICAST", "BROADCAST", "MULTICAST")}");
        if (Chance(0.1)) parts.Add($"-m iprange {Pick("--src-range", "--dst-range")} {Pick("10.201.1.0-10.201.2.255", "10.201.3.3-10.201.3.9", "10.201.2.2-10.201.2.2")}");
        if (Chance(0.05)) parts.Add("-m comment --comment \"random rule\"");
        return string.Join(' ', parts);
    }

    private bool Chance(double p) => random.NextDouble() < p;

    private string Not() => Chance(0.2) ? "! " : "";

    private T Pick<T>(params T[] items) => items[random.Next(items.Length)];
}
