using System.Text.Json;

namespace DockerFw.Tests.Audit;

/// <summary>
/// The expect files state findings in prose; this table maps each to the code(s) the audit raises
/// for it (by dump and the prose's opening words). Where an expectation is believed wrong, or a fact
/// is judged differently on purpose, the exception is listed here with its reason.
/// </summary>
internal static class ExpectedFindings
{
    private static readonly (string Dump, string Opening, string[] Codes)[] Table =
    [
        ("docker20.10-portmap-loopback", "port published on 127.0.0.1", ["DFW514"]),
        ("docker20.10-sim-docker-user-accept-all", "unconditional ACCEPT in DOCKER-USER", ["DFW606"]),
        ("docker20.10-sim-docker-user-accept-all", "bridge2 is configured with ICC off", ["DFW301"]),
        ("docker20.10-sim-docker-user-accept-all", "no bridge pair is isolated", ["DFW201", "DFW203"]),
        ("docker20.10-sim-flushed-forward-postrouting", "filter FORWARD is empty", ["DFW602"]),
        ("docker20.10-sim-flushed-forward-postrouting", "nat POSTROUTING is empty", ["DFW405"]),
        ("docker20.10-sim-flushed-forward-postrouting", "the DNAT for 8080 still exists", ["DFW511"]),
        ("docker20.10-sim-flushed-forward-postrouting", "bridges are identified only", ["DFW608"]),
        ("docker20.10-sim-forward-accept-above-docker-user", "`-A FORWARD -i eth0 -j ACCEPT` precedes", ["DFW603"]),
        ("docker20.10-sim-forward-accept-above-docker-user", "the same rule accepts traffic from eth0", ["DFW203"]),
        ("docker20.10-sim-isolation-jump-missing", "DOCKER-ISOLATION-STAGE-1/2 exist", ["DFW201"]),
        ("docker20.10-sim-legacy-nft-mix.legacy", "no Docker chains in the legacy back end", ["DFW605"]),
        ("docker20.10-sim-legacy-nft-mix.legacy", "legacy FORWARD policy DROP", ["DFW609"]),
        ("docker20.10-sim-legacy-nft-mix.nft", "iptables-legacy tables are also present", ["DFW605"]),
        ("moby28.0.0-nat-unprotected", "bridge1 (nat-unprotected) accepts every port", ["DFW203"]),
        ("moby28.1-nat-unprotected", "bridge1 (nat-unprotected) accepts every port", ["DFW203"]),
        ("moby28.5-nat-unprotected", "bridge1 (nat-unprotected) accepts every port", ["DFW203"]),
        ("moby29-nat-unprotected", "bridge1 (nat-unprotected) accepts every port", ["DFW203", "DFW201"]),
        ("moby28.5-unit-nat-unprotected", "br-dummy accepts all ports", ["DFW203"]),
        ("moby29-unit-nat-unprotected", "br-dummy accepts all ports", ["DFW203"]),
    ];

    /// <summary>
    /// Expected findings the audit does not raise yet, with why. The corpus test asserts they are still
    /// missing, so fixing one fails the test until the entry is removed.
    /// </summary>
    private static readonly (string Dump, string Code, string Reason)[] Gaps =
    [
    ];

    /// <summary>
    /// Findings of medium severity the audit raises on purpose where the expect file lists none (a
    /// name ending in '*' covers the dumps it starts). The corpus test fails on any other unexpected
    /// finding of medium or high severity, and on an entry here that no longer fires.
    /// </summary>
    private static readonly (string Dump, string Code, string Reason)[] Beyond =
    [
        ("moby28.5-unit-*", "DFW602", "moby's unit test drives the bridge firewaller alone, so its goldens have no DOCKER-USER by construction; on a host its absence is the finding"),
        ("moby29-unit-*", "DFW602", "as for moby28.5-unit-*: no DOCKER-USER by construction of the unit test"),
        ("moby28.0.0-routed", "DFW202", "28.0.0 tells its bridges apart with the ipset docker-ext-bridges-v4, whose members are not in the dump: what docker0 may reach on bridge1 beyond the design is possible, not excluded"),
        ("moby28.0.0-swarm-portmap", "DFW202", "DOCKER-INGRESS accepts tcp/8080 with no interface and no address before isolation, so every container's port 8080 on either bridge is open to the other: listed as a fact in cross_bridge_allowed, a hole all the same"),
        ("moby28.0.0-swarm-portmap", "DFW203", "the same DOCKER-INGRESS rule lets hosts outside route to port 8080 of any container, not only through the ingress DNAT"),
        ("moby28.1-swarm-portmap", "DFW202", "as for moby28.0.0-swarm-portmap"),
        ("moby28.1-swarm-portmap", "DFW203", "as for moby28.0.0-swarm-portmap"),
        ("moby28.5-swarm-portmap", "DFW202", "as for moby28.0.0-swarm-portmap"),
        ("moby28.5-swarm-portmap", "DFW203", "as for moby28.0.0-swarm-portmap"),
        ("moby29-swarm-portmap", "DFW202", "as for moby28.0.0-swarm-portmap"),
        ("moby29-swarm-portmap", "DFW203", "as for moby28.0.0-swarm-portmap"),
        ("moby28.0.0-swarm-portmap", "DFW301", "the same DOCKER-INGRESS rule opens tcp/8080 between containers of docker_gwbridge too (icc=false): its icc is partial"),
        ("moby28.1-swarm-portmap", "DFW301", "as for moby28.0.0-swarm-portmap"),
        ("moby28.5-swarm-portmap", "DFW301", "as for moby28.0.0-swarm-portmap"),
        ("moby29-swarm-portmap", "DFW301", "as for moby28.0.0-swarm-portmap"),
        ("moby29-icc-false", "DFW202", "Docker 29 keeps other bridges off a published container port only in raw PREROUTING, which this dump leaves out (docker-rules.md 4.3, 6.2): the filter table alone lets them in"),
        ("moby29-usernet-portmap-noproxy", "DFW202", "as for moby29-icc-false: the raw table is not in the dump"),
    ];

    public static string? BeyondReason(string dump, string code)
    {
        var name = dump.Replace(".iptables-save", "", StringComparison.Ordinal);
        return Beyond.FirstOrDefault(b => b.Code == code && (b.Dump.EndsWith('*') ? name.StartsWith(b.Dump[..^1], StringComparison.Ordinal) : name == b.Dump)).Reason;
    }

    /// <summary>The codes <see cref="Beyond"/> says this dump raises on purpose.</summary>
    public static IEnumerable<string> BeyondCodes(string dump) =>
        Beyond.Select(b => b.Code).Distinct().Where(code => BeyondReason(dump, code) is not null);

    public static string? GapReason(string dump, string code)
    {
        var name = dump.Replace(".iptables-save", "", StringComparison.Ordinal);
        return Gaps.FirstOrDefault(g => g.Dump == name && g.Code == code).Reason;
    }

    public static string[]? CodesFor(string dump, string prose)
    {
        var name = dump.Replace(".iptables-save", "", StringComparison.Ordinal);
        return Table.FirstOrDefault(t => t.Dump == name && prose.StartsWith(t.Opening, StringComparison.Ordinal)).Codes;
    }

    /// <summary>
    /// The legacy half of the mixed-back-end capture is audited with its nft half as the other back
    /// end: its expected findings are about the two together. The nft half's expectation was written
    /// from that dump alone (its trailing warning), so it is audited alone.
    /// </summary>
    public static IEnumerable<string> CompanionOf(string dump) =>
        dump == "docker20.10-sim-legacy-nft-mix.legacy.iptables-save" ? ["docker20.10-sim-legacy-nft-mix.nft.iptables-save"] : [];

    /// <summary>
    /// filter_accept is compared except where the expect file means something else by it: for
    /// nat-unprotected networks the file says false because no per-port ACCEPT rule exists, while the
    /// audit reports whether the filter lets the port in, and `! -i br -o br -j ACCEPT` does. Swarm
    /// ingress has null (not stated).
    /// </summary>
    public static bool FilterAcceptCompared(string dump, JsonElement port) =>
        port.GetProperty("filter_accept").ValueKind != JsonValueKind.Null && !dump.Contains("nat-unprotected", StringComparison.Ordinal);
}
