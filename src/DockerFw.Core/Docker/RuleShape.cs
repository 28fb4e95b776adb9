using DockerFw.Core.Model;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// Reads the parts of a rule that Docker's templates vary: which interface is named in or out (and
/// whether negated), which addresses, which target. Used only to recover the Docker configuration a
/// ruleset encodes when the Engine's view is missing; checks never use it, they ask the semantics engine.
/// </summary>
internal static class RuleShape
{
    public static InterfaceMatch? In(this Rule rule) =>
        rule.Matches.OfType<InterfaceMatch>().FirstOrDefault(m => m.Direction == Direction.In && !m.Value.IsWildcard);

    public static InterfaceMatch? Out(this Rule rule) =>
        rule.Matches.OfType<InterfaceMatch>().FirstOrDefault(m => m.Direction == Direction.Out && !m.Value.IsWildcard);

    public static AddressMatch? Address(this Rule rule, AddressField field) =>
        rule.Matches.OfType<AddressMatch>().FirstOrDefault(m => m.Field == field);

    public static PortMatch? Port(this Rule rule, AddressField field) =>
        rule.Matches.OfType<PortMatch>().FirstOrDefault(m => m.Field == field && !m.Negated);

    public static ProtocolMatch? ProtocolOf(this Rule rule) =>
        rule.Matches.OfType<ProtocolMatch>().FirstOrDefault(m => !m.Negated);

    public static bool Is(this Rule rule, Verdict verdict) => rule.Target is VerdictTarget v && v.Verdict == verdict;

    public static bool JumpsTo(this Rule rule, string chain) => rule.Target is JumpTarget j && j.Chain == chain;

    /// <summary>
    /// Docker's per-port accept of a routed network (<c>-d CIP/32 ! -i BR -o BR -p P --dport N -j ACCEPT</c>,
    /// nft <c>ip daddr CIP tcp dport N accept</c>): the container port it opens, which no DNAT shows.
    /// A rule naming a source (a link) is not one.
    /// </summary>
    public static (UInt128 Ip, PortBinding Port)? OpenContainerPort(this Rule rule, IpFamily family)
    {
        if (!rule.Is(Verdict.Accept) || rule.Address(AddressField.Source) is not null) return null;
        if (rule.Address(AddressField.Destination) is not { Negated: false } d || d.Value.Mask != family.AllOnes()) return null;
        if (rule.Port(AddressField.Destination) is not { Negated: false } p || p.Range.First != p.Range.Last) return null;
        return (d.Value.Address, new PortBinding(rule.ProtocolOf()?.Value.Name ?? "tcp", p.Range.First, null, null));
    }

    /// <summary>
    /// A source NAT: MASQUERADE or SNAT, also as nft lists iptables-nft's (an xt target of that name
    /// whose options the listing leaves out, <see cref="IsListedWithoutOptions"/>).
    /// </summary>
    public static bool NatsSource(this Rule rule) =>
        rule.Target is MasqueradeTarget or SnatTarget || rule.IsListedWithoutOptions("MASQUERADE") || rule.IsListedWithoutOptions("SNAT");

    /// <summary>A masquerade, also as nft lists iptables-nft's (<see cref="IsListedWithoutOptions"/>).</summary>
    public static bool Masquerades(this Rule rule) => rule.Target is MasqueradeTarget || rule.IsListedWithoutOptions("MASQUERADE");

    /// <summary>A DNAT, also as nft lists iptables-nft's, without its destination (<see cref="IsListedWithoutOptions"/>).</summary>
    public static bool NatsDestination(this Rule rule) => rule.Target is DnatTarget || rule.IsListedWithoutOptions("DNAT");

    /// <summary>
    /// iptables-nft's target <paramref name="target"/> as <c>nft -j list ruleset</c> shows it: an xt
    /// statement naming the target, without its options. iptables-save's text always gives a NAT
    /// target its own type, so only an nft listing yields an unknown extension of that name.
    /// </summary>
    public static bool IsListedWithoutOptions(this Rule rule, string target) =>
        rule.Target is ExtensionTarget { Known: false, Options.IsEmpty: true } e && e.ExtensionName == target;

    public static bool IsDockerChain(string chain) => chain.StartsWith("DOCKER", StringComparison.Ordinal) && chain != "DOCKER-USER";
}
