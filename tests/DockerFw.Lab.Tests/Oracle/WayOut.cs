using System.Globalization;
using System.Text.Json;
using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// Whether the host's filter closes a container's way out, as reach says it (FORWARD, NEW, from the
/// container's bridge to the uplink). A network's masquerade (<c>networks[].masquerade.effective</c>)
/// is a fact of the nat rules alone (docs/audit.md): a silent probe outside says nothing against it
/// when the filter drops or rejects the probe's first packet (firewalld's docker zone with target
/// DROP, a policy rejecting what the docker zone sends out), so such a probe is not compared.
/// </summary>
public static class WayOut
{
    public static IReadOnlyList<Disagreement> WithoutClosedWays(IReadOnlyList<Disagreement> found, IReadOnlyDictionary<string, string> dumps)
    {
        var silent = found.Where(d => d.Class is "masquerade/true-but-no-way-out" or "masquerade/partial-flow-no-way-out").ToList();
        if (silent.Count == 0 || !dumps.TryGetValue("host.json", out var hostJson)) return found;
        var host = new HostInterfaces(hostJson);
        var dir = Directory.CreateTempSubdirectory("dfw-wayout-");
        try
        {
            foreach (var file in new[] { "iptables-save", "iptables-legacy-save", "ip6tables-save", "nft.json", "ipset.save" })
                File.WriteAllText(Path.Combine(dir.FullName, file), dumps.GetValueOrDefault(file, ""));
            var regions = Reach(dir.FullName, dumps.GetValueOrDefault("iptables-legacy-save", "").Contains('*', StringComparison.Ordinal),
                dumps.ContainsKey("ipset.save"), host);
            return found.Where(d => !silent.Contains(d) || !d.Traffic.All(r => Closed(regions, host, r))).ToList();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool Closed(ReachRegions regions, HostInterfaces host, ProbeResult r)
    {
        var p = r.Probe;
        if (p.Source is null || host.InterfaceFor(p.Source) is not { } bridge || r.SourcePort is null) return false;
        var packet = new Dictionary<string, string>
        {
            ["src"] = p.Source.ToString(), ["dst"] = p.Destination.ToString(), ["state"] = "NEW", ["in"] = bridge, ["out"] = "uplink0", ["mark"] = "0",
            ["proto"] = p.Transport == Transport.Udp ? "17" : "6",
            ["sport"] = r.SourcePort.Value.ToString(CultureInfo.InvariantCulture), ["dport"] = p.Port.ToString(CultureInfo.InvariantCulture),
        };
        if (p.Transport == Transport.Tcp) packet["flags"] = "SYN"; // a connection's first packet
        return regions.Of(packet) is { Verdict: "DROP" or "REJECT" };
    }

    private static ReachRegions Reach(string dir, bool legacy, bool ipsets, HostInterfaces host)
    {
        // The ipsets, where recorded: without them a -m set rule is only a MAYBE, and a way out it
        // closes (seed 4234: every packet from c1 dropped by dfw-hosts, oracle F35) was compared.
        string[] sets = ipsets ? ["--ipsets", Path.Combine(dir, "ipset.save")] : [];
        var output = new StringWriter { NewLine = "\n" };
        string[] nft = new FileInfo(Path.Combine(dir, "nft.json")).Length > 0 ? ["--nft", Path.Combine(dir, "nft.json")] : [];
        string[] other = legacy ? ["--iptables-legacy", Path.Combine(dir, "iptables-legacy-save")] : [];
        DockerFwApp.Run(
            ["reach", "--iptables", Path.Combine(dir, "iptables-save"), .. nft, .. other, "--hook", "FORWARD", "--state", "NEW",
             "--out", "uplink0", "--dst", LabDaemon.OutsideAddress + "/32", .. host.HostAddressOptions(), .. sets, "--format", "json"],
            new StandardStreams(new StringReader(""), output, new StringWriter()));
        return new ReachRegions(JsonDocument.Parse(output.ToString()).RootElement);
    }
}
