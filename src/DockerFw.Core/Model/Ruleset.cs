using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model;

/// <summary>Which iptables back end wrote a dump, when its header says so.</summary>
public enum Backend
{
    Unknown,
    Legacy,
    Nft,
}

/// <summary>
/// What one <c>iptables-save</c> or <c>ip6tables-save</c> printed: the tables in order, plus the
/// facts its comment lines carry (other back end present, tables it could not print).
/// </summary>
public sealed record Ruleset(IpFamily Family, ImmutableArray<Table> Tables)
{
    public Backend Backend { get; init; } = Backend.Unknown;

    /// <summary><c># Warning: iptables-legacy tables present</c>: half the firewall is elsewhere.</summary>
    public bool LegacyTablesPresent { get; init; }

    /// <summary>Tables iptables-nft-save could not print (<c># Table `filter' is incompatible</c>).</summary>
    public ImmutableArray<string> IncompatibleTables { get; init; } = [];

    /// <summary>Tables with base chains only nft can list (<c># Table `nat' contains incompatible base-chains</c>).</summary>
    public ImmutableArray<string> TablesWithForeignBaseChains { get; init; } = [];

    public static Ruleset Empty(IpFamily family) => new(family, []);

    /// <summary>
    /// iptables' table of that name; the last block wins, as a restore without --noflush flushes on
    /// each <c>*name</c>. Never a native nft table: the kernel keeps <c>table inet filter</c> apart from
    /// iptables' filter (<c>ip filter</c>), whatever their names.
    /// </summary>
    public Table? this[string table] => Tables.LastOrDefault(t => t.Name == table && !t.IsNative);

    /// <summary>
    /// iptables' table of that name as the kernel holds it: iptables-save's (<see cref="this[string]"/>),
    /// else, when the rules were given only as <c>nft -j list ruleset</c> lists them, the table of the
    /// ruleset's own family that iptables-nft writes it into (<c>ip filter</c>, <c>ip6 nat</c>): the
    /// same kernel table. Never a table of another family (Debian's <c>inet filter</c> is one of its own).
    /// </summary>
    public Table? IptablesTable(string table) =>
        this[table] ?? NativeTables.LastOrDefault(t => t.Name == table && t.Family == (Family == IpFamily.V4 ? "ip" : "ip6"));

    /// <summary>A table by the name the engines give it (<see cref="Table.QualifiedName"/>): <c>filter</c>, <c>inet filter</c>, <c>iptables-legacy filter</c>.</summary>
    public Table? TableNamed(string qualified) =>
        qualified.Contains(' ') ? NativeTables.LastOrDefault(t => t.QualifiedName == qualified) : this[qualified];

    /// <summary>
    /// The rule at 1-based <paramref name="number"/> in <paramref name="chain"/> of the table named as
    /// <see cref="TableNamed"/> names it, or null when the ruleset has no such rule: the one lookup of
    /// the rule a walk's region names (a responsible rule's table, chain and number).
    /// </summary>
    public Rule? RuleAt(string table, string chain, int number) =>
        TableNamed(table)?[chain]?.Rules.ElementAtOrDefault(number - 1);

    /// <summary>The native nft tables merged into this ruleset (<see cref="Table.IsNative"/>), in the order listed.</summary>
    public IEnumerable<Table> NativeTables => Tables.Where(t => t.IsNative);

    public IEnumerable<Rule> Rules => Tables.SelectMany(t => t.Rules);
}
