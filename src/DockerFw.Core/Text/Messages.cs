namespace DockerFw.Core.Text;

/// <summary>
/// Every message the readers give, with its stable code, in one place. Parse problems say what was
/// expected and what was found ("expected X, but got 'Y'"); codes DFW1xx are parse and support
/// problems (100-149 errors, 150-199 warnings).
/// </summary>
internal static class Messages
{
    // Line structure
    public static Diagnostic CrLf(SourceSpan at) =>
        Error("DFW100", at, "expected LF line endings, but got CRLF (iptables-restore reads LF only)");

    public static Diagnostic UnknownTable(SourceSpan at, string name) =>
        Error("DFW101", at, $"expected a table name ({string.Join(", ", Model.Table.KnownNames)}), but got '{name}'");

    public static Diagnostic OutsideTable(SourceSpan at, string line) =>
        Error("DFW101", at, $"expected '*table' before this line, but got '{Shorten(line)}'");

    public static Diagnostic MissingCommit(SourceSpan at, string table, int openedAt, string got) =>
        Error("DFW101", at, $"expected COMMIT to end table '{table}' (opened at line {openedAt}), but got {got}");

    public static Diagnostic CommitWithBlanks(SourceSpan at, string line) =>
        Error("DFW101", at, $"expected 'COMMIT' alone on its line, but got '{line}'");

    // iptables-legacy-restore compares the line with "COMMIT\n": without its line feed it is read as a rule ("Bad argument `COMMIT'").
    public static Diagnostic CommitWithoutLineFeed(SourceSpan at) =>
        Error("DFW101", at, "expected 'COMMIT' followed by a line feed (restore reads \"COMMIT\\n\"), but the input ends after 'COMMIT'");

    public static Diagnostic NotSaveOutput(SourceSpan at, string command) =>
        Error("DFW109", at, $"expected -A (only iptables-save output is read), but got '{command}'");

    public static Diagnostic NoCommand(SourceSpan at) =>
        Error("DFW109", at, "expected '-A CHAIN', but the rule has none");

    public static Diagnostic BlankLine(SourceSpan at) =>
        Error("DFW109", at, "expected an empty line or a rule, but got a line of blanks");

    // Chains
    public static Diagnostic BadChainName(SourceSpan at, string name, string why) =>
        Error("DFW102", at, $"expected a chain name ({why}), but got '{name}'");

    public static Diagnostic BadChainLine(SourceSpan at, string line) =>
        Error("DFW102", at, $"expected ':NAME POLICY [packets:bytes]', but got '{Shorten(line)}'");

    public static Diagnostic BadPolicy(SourceSpan at, string chain, string policy) =>
        Error("DFW102", at, $"expected policy ACCEPT or DROP for built-in chain '{chain}', but got '{policy}'");

    public static Diagnostic PolicyOnUserChain(SourceSpan at, string chain, string policy) =>
        Error("DFW102", at, $"expected policy '-' for user chain '{chain}' (only built-in chains have a policy), but got '{policy}'");

    public static Diagnostic ChainDeclaredTwice(SourceSpan at, string chain) =>
        Error("DFW102", at, $"expected each user chain declared once, but '{Printable(chain)}' is declared again");

    public static Diagnostic MissingPolicyCounters(SourceSpan at, string chain) =>
        Error("DFW103", at, $"expected counters '[packets:bytes]' after the policy of '{Printable(chain)}' (iptables-restore --counters needs them), but got the end of the line");

    public static Diagnostic BadCounters(SourceSpan at, string text) =>
        Error("DFW103", at, $"expected counters '[packets:bytes]', but got '{Shorten(text)}'");

    // Tokens and options
    public static Diagnostic UnexpectedArgument(SourceSpan at, string token) =>
        Error("DFW104", at, $"expected an option, but got '{Printable(token)}'");

    public static Diagnostic MissingValue(SourceSpan at, string option, int arity) =>
        Error("DFW104", at, $"expected {(arity == 1 ? "a value" : $"{arity} values")} after {option}, but got the end of the line");

    public static Diagnostic UnknownOption(SourceSpan at, string option, string owner, IEnumerable<string> expected) =>
        Error("DFW105", at, $"unknown option \"{option}\" for {owner}, expected one of {string.Join(", ", expected)}");

    public static Diagnostic UnknownCoreOption(SourceSpan at, string option) =>
        Error("DFW105", at, $"unknown option \"{option}\", expected one of -s, -d, -i, -o, -p, -f, -m MODULE, -j TARGET, -g CHAIN (port options need -p tcp/udp or -m MODULE first)");

    public static Diagnostic OptionTwice(SourceSpan at, string option) =>
        Error("DFW105", at, $"expected {option} at most once, but got it again");

    public static Diagnostic ModuleNeedsProtocol(SourceSpan at, string module, string? protocol) =>
        Error("DFW105", at, module == "multiport"
            ? $"expected -p tcp, udp, udplite, sctp or dccp before -m multiport, but got {(protocol is null ? "no -p" : $"'-p {protocol}'")}"
            : $"expected -p {(module == "icmp6" ? "ipv6-icmp" : module)} before -m {module}, but got {(protocol is null ? "no -p" : $"'-p {protocol}'")}");

    public static Diagnostic BadValue(SourceSpan at, string what, string got) =>
        Error("DFW106", at, $"expected {what}, but got '{Printable(got)}'");

    public static Diagnostic DoubleNegation(SourceSpan at) =>
        Error("DFW107", at, "expected an option after '!', but got another '!' (multiple consecutive ! not allowed)");

    public static Diagnostic NegationNotAllowed(SourceSpan at, string option) =>
        Error("DFW107", at, $"expected no '!' before {option}, which cannot be negated");

    public static Diagnostic DanglingNegation(SourceSpan at) =>
        Error("DFW107", at, "expected an option after '!', but got the end of the line");

    public static Diagnostic WrongFamily(SourceSpan at, string what, string got) =>
        Error("DFW110", at, $"expected {what}, but got '{got}'");

    public static Diagnostic NoSuchModule(SourceSpan at, string module) =>
        Error("DFW114", at, $"expected a match module, but got '{Printable(module)}', which no iptables or xtables-addons extension provides (restore fails: \"Couldn't load match\")");

    public static Diagnostic NoSuchTarget(SourceSpan at, string target) =>
        Error("DFW114", at, $"expected a target or a chain, but got '{Printable(target)}' with options, which no iptables or xtables-addons extension provides (restore fails: \"Couldn't load target\")");

    public static Diagnostic FragmentInV6(SourceSpan at) =>
        Error("DFW110", at, "expected -m frag in ip6tables, but got '-f' (IPv4 only)");

    // References
    public static Diagnostic UndeclaredChain(SourceSpan at, string chain, string table) =>
        Error("DFW108", at, $"expected a chain declared in table '{table}', but got '{chain}' (no ':{chain}' line)");

    public static Diagnostic UndeclaredTarget(SourceSpan at, string name, string table) =>
        Error("DFW108", at, $"expected a target or a chain declared in table '{table}', but got '{name}' (chain does not exist)");

    public static Diagnostic JumpToBuiltIn(SourceSpan at, string flag, string chain) =>
        Error("DFW108", at, $"expected a user chain after {flag}, but got built-in chain '{chain}'");

    public static Diagnostic JumpLoop(SourceSpan at, string table, IReadOnlyList<string> cycle) =>
        Error("DFW111", at, $"expected no loop of jumps in table '{table}' (the kernel refuses it: ELOOP, 'Too many links'), but this jump closes the loop {Printable(Cycle(cycle))}");

    // A loop through many chains keeps its ends: where it starts and the jump back.
    private static string Cycle(IReadOnlyList<string> chains) =>
        chains.Count <= 8 ? string.Join(" -> ", chains)
        : $"{string.Join(" -> ", chains.Take(4))} -> ({chains.Count - 7} more) -> {string.Join(" -> ", chains.Skip(chains.Count - 3))}";

    public static Diagnostic TargetOutsideTable(SourceSpan at, string target, IReadOnlyList<string> tables, string table) =>
        Error("DFW112", at, $"expected {target} only in table {string.Join(" or ", tables.Select(t => $"'{t}'"))} (the kernel refuses it elsewhere: EINVAL), but got it in table '{table}'");

    public static Diagnostic DropInNat(SourceSpan at) =>
        Error("DFW112", at, "expected no -j DROP in table 'nat' (iptables refuses it: the nat table is not intended for filtering), but got DROP");

    public static Diagnostic TargetOutsideHooks(SourceSpan at, string target, IReadOnlyList<string> hooks, string chain, IReadOnlyList<string> reachedFrom) =>
        Error("DFW113", at, $"expected {target} only in chains reached from {string.Join(" or ", hooks)} (the kernel refuses it elsewhere on commit: EINVAL), but chain '{Printable(chain)}' is reached from {string.Join(" and ", reachedFrom)}");

    public static Diagnostic ChainTargetWithOptions(SourceSpan at, string chain, string option) =>
        Error("DFW105", at, $"unknown option \"{option}\" for jump to chain '{chain}', expected no options after a chain");

    public static Diagnostic NoTable(SourceSpan at) =>
        Error("DFW119", at, "expected at least one table ('*filter' ... 'COMMIT'), but the dump holds none: did iptables-save print nothing (no rules loaded, or another back end holds them)? An empty dump is not a clean host");

    // Writing: a model iptables-restore could not take back
    public static Diagnostic NoIptablesForm(SourceSpan at, string chain, int number, string condition) =>
        Error("DFW130", at, $"rule {number} of chain '{chain}' cannot be written as iptables-restore input: '{Shorten(condition)}' has no iptables form (only nft can express it)");

    // Warnings: kept, but only partly understood
    public static Diagnostic IntrapositionedNegation(SourceSpan at, string option) =>
        Warning("DFW150", at, $"old negation '{option} ! VALUE' read as '! {option} VALUE' (removed from iptables in 2011)");

    public static Diagnostic UnknownModule(SourceSpan at, string module) =>
        Warning("DFW151", at, $"unknown match module '{module}': its options are kept verbatim but not understood");

    public static Diagnostic UnknownTarget(SourceSpan at, string target) =>
        Warning("DFW153", at, $"unknown target '{target}': its options are kept verbatim but not understood");

    public static Diagnostic ReversedPortRange(SourceSpan at, string range) =>
        Warning("DFW154", at, $"port range '{range}' has its first port above its last, so it matches no packet; kept verbatim");

    public static Diagnostic UnclosedQuote(SourceSpan at) =>
        Warning("DFW155", at, "expected a closing '\"', but the quote runs to the end of the line: iptables-restore takes the rest of the line, line feed included, as one argument");

    public static Diagnostic IgnoredPolicyCounters(SourceSpan at, string chain, string text) =>
        Warning("DFW156", at, $"counters '{Shorten(text)}' of chain '{Printable(chain)}' are not '[packets:bytes]': read as [0:0], as iptables-restore without --counters ignores them (with --counters it refuses the dump)");

    public static Diagnostic OtherFamilysRule(SourceSpan at, string option, string family) =>
        Warning("DFW157", at, $"rule marked '{option}' for the other family left out, as {family}-restore leaves it out (a rule of one dump is for its own family)");

    // Every message passes through Printable: a diagnostic stays one line and sends no terminal escape.
    private static Diagnostic Error(string code, SourceSpan at, string message) => new(Severity.Error, code, Printable(message), at);

    private static Diagnostic Warning(string code, SourceSpan at, string message) => new(Severity.Warning, code, Printable(message), at);

    private static string Shorten(string text) => Printable(text.Length <= 60 ? text : text[..57] + "...");

    /// <summary>Control characters (C0, DEL, C1) written as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\xNN</c>.</summary>
    private static string Printable(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\0', '\x1f') && !text.AsSpan().ContainsAnyInRange('\x7f', '\x9f')) return text;
        var printable = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c == '\n') printable.Append("\\n");
            else if (c == '\r') printable.Append("\\r");
            else if (c == '\t') printable.Append("\\t");
            else if (c < ' ' || c is >= '\x7f' and <= '\x9f') printable.Append($"\\x{(int)c:x2}");
            else printable.Append(c);
        }

        return printable.ToString();
    }
}
