using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Fleet;

/// <summary>Where a host's IPv4 rules were read (the origin without its text) and how many lines the file has.</summary>
internal sealed record HostDump(DumpOrigin Origin, int Lines)
{
    public static HostDump Of(DumpOrigin origin) => new(origin with { Text = "" }, origin.Lines().Count);
}

/// <summary>
/// A host's IPv4 dumps, where fleet's SARIF locates the rules that decided: this back end's
/// (<c>iptables-save.txt</c>) and, on a host where both back ends hold rules, the other one's
/// (<c>iptables-legacy-save.txt</c> beside iptables-nft): a packet must pass both, so either may decide.
/// </summary>
internal sealed record HostDumps(HostDump? Rules, HostDump? OtherBackend)
{
    public static readonly HostDumps None = new(null, null);

    public static HostDumps Of(IEnumerable<DumpOrigin> origins)
    {
        var v4 = origins.Where(d => d.Family == IpFamily.V4).ToList();
        return new(v4.FirstOrDefault(d => !d.OtherBackend) is { } rules ? HostDump.Of(rules) : null,
            v4.FirstOrDefault(d => d.OtherBackend) is { } other ? HostDump.Of(other) : null);
    }

    /// <summary>The bundle archive the dumps are members of; null for files on disk.</summary>
    public string? Archive => (Rules ?? OtherBackend)?.Origin.Archive;

    /// <summary>
    /// The dump a rule is written in, by its table's name: the other back end's tables are named by its tool
    /// (<c>iptables-legacy filter</c>); a native nft table's rule is on a line of the nft listing, in no dump.
    /// </summary>
    public HostDump? Holding(ResponsibleRule rule) =>
        Table.NamesNative(rule.Table) ? null : Table.NamesOtherBackend(rule.Table) ? OtherBackend : Rules;
}
