using DockerFw.Core.Text;

namespace DockerFw.Core.Policy;

/// <summary>
/// Every message about a policy file, with its stable code (DFW8xx): 800-829 what the file says,
/// 830-849 what the plan cannot do.
/// </summary>
internal static class PolicyMessages
{
    public static Diagnostic Syntax(SourceSpan at, IReadOnlyList<string> expected, string? got) =>
        Error("DFW801", at, $"expected {OneOf(expected)}, but got {(got is null ? "the end of the file" : $"'{Printable(got)}'")}");

    public static Diagnostic UnknownNetwork(SourceSpan at, string name, IEnumerable<string> known) =>
        Error("DFW802", at, $"expected a Docker bridge network ({List(known)}), but got '{name}'");

    public static Diagnostic UnknownContainer(SourceSpan at, string name, string? network, IEnumerable<string> known) =>
        Error("DFW803", at, network is null
            ? $"expected a container ({List(known)}), but got '{name}'"
            : $"expected a container on network '{network}' ({List(known)}), but got '{name}'");

    public static Diagnostic RepeatedSetting(SourceSpan at, string network) =>
        Error("DFW804", at, $"expected each setting once in network '{network}', but got it again");

    public static Diagnostic RepeatedNetwork(SourceSpan at, string network, int firstLine) =>
        Error("DFW805", at, $"expected one block per network, but network '{network}' already has one at line {firstLine}");

    public static Diagnostic UnpublishedPort(SourceSpan at, string container, string port, IEnumerable<string> published) =>
        Error("DFW806", at, $"expected a port that container '{container}' publishes ({List(published)}), but got '{port}'");

    public static Diagnostic SameNetwork(SourceSpan at, string network) =>
        Error("DFW807", at, $"expected two different networks, but got '{network}' twice (traffic inside a network is icc's business: use a network block)");

    public static Diagnostic RepeatedDockerUser(SourceSpan at, int firstLine) =>
        Error("DFW808", at, $"expected one 'docker-user default', but got another (first at line {firstLine})");

    public static Diagnostic UndeclaredLink(SourceSpan at, string client, string server, string network) =>
        Error("DFW809", at, $"expected a legacy link Docker declares on network '{network}' (docker run --link), but '{client}' has no link to '{server}'");

    public static Diagnostic LinkNotMentioned(SourceSpan at, string network, string client, string server, string ports) =>
        Error("DFW810", at, $"expected network '{network}''s block to say what happens to Docker's legacy link '{client}' -> '{server}' ({ports}), but it does not: keep it with 'link {client} -> {server};' in the block, or remove the link (re-create '{client}' without --link); dockerfw does not plan against a link Docker keeps opening");

    public static Diagnostic MasqueradeNotInDockerUser(SourceSpan at, string network, bool wanted) =>
        Error("DFW830", at, $"expected masquerade {(wanted ? "on" : "off")} on network '{network}', but Docker runs it {(wanted ? "off" : "on")} and masquerade is decided in nat POSTROUTING, which dockerfw does not edit; set com.docker.network.bridge.enable_ip_masquerade={(wanted ? "true" : "false")} on the network");

    public static Diagnostic PlanDisproved(SourceSpan at, string what) =>
        Error("DFW831", at, $"expected the host to satisfy the policy after the plan, but {what}");

    public static Diagnostic NoDockerUser(SourceSpan at) =>
        Error("DFW832", at, "expected a DOCKER-USER chain in table filter (Docker creates it), but the ruleset has none");

    public static Diagnostic Ipv6NotPlanned(SourceSpan at, IEnumerable<string> networks) =>
        new(Severity.Warning, "DFW833", $"networks {string.Join(", ", networks.Select(n => $"'{n}'"))} have IPv6, but ip6tables has no DOCKER-USER chain (Docker writes it from version 27 on, with ip6tables on): the plan covers IPv4 only", at);

    public static Diagnostic NftCannotAccept(SourceSpan at, IEnumerable<string> statements) =>
        Error("DFW840", at, $"expected dockerfw's nft table to let through what {string.Join(", ", statements)} allow(s), but Docker's nftables table (docker-bridges) drops it and nftables runs every base chain of a hook: an accept in dockerfw's table ends only its own chain, and only a drop is final; on this host dockerfw enforces drops (icc off, published ports kept from other clients, a dropping default) and cannot open what Docker closes (change the network's Docker options instead, or use Docker's --bridge-accept-fwmark)");

    private static string OneOf(IReadOnlyList<string> expected) => expected.Count switch
    {
        0 => "a statement",
        1 => expected[0],
        _ => "one of " + string.Join(", ", expected),
    };

    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "none known" : string.Join(", ", list);
    }

    private static Diagnostic Error(string code, SourceSpan at, string message) => new(Severity.Error, code, message, at);

    private static string Printable(string text) =>
        text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
