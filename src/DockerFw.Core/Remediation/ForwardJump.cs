using System.Collections.Immutable;
using System.Text.RegularExpressions;
using DockerFw.Core.Model;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Remediation;

/// <summary>
/// FORWARD's jump to DOCKER-USER (<c>-A FORWARD -j DOCKER-USER</c>), the one way into dockerfw's chain.
/// Docker puts it first (libnetwork's arrangeUserFilterRule deletes and inserts it at 1), but a
/// firewall reload can leave it last, behind Docker's own per-bridge ACCEPTs: Docker 20.10 wrote
/// FORWARD again that way after firewalld's reload (oracle seeds 14 and 5121; the audit's DFW603).
/// Then what those ACCEPTs decide never reaches DOCKER-USER, and no rule of a plan can block it. A plan
/// whose proof fails on such a host moves the jump ahead of Docker's own rules, in its one
/// transaction (<see cref="MovedAhead"/>, <see cref="RestoreLines"/>), and its undo puts the jump back
/// right after the rule that preceded it (<see cref="UndoLines"/>), leaving every rule Docker added
/// since. Rules of anyone else before the jump (an admin's, another firewall's) stay ahead of it: they
/// were put there on purpose, and DFW603 asks to move them into DOCKER-USER, which is theirs to do.
/// </summary>
/// <param name="Position">The jump's place in FORWARD, 1-based (the first such jump).</param>
/// <param name="To">Where the plan would put it: right behind the last rule before it that is not Docker's, else first.</param>
/// <param name="Rules">How many rules FORWARD has.</param>
/// <param name="Preceding">The rule right before the jump, as iptables-save prints it.</param>
public sealed partial record ForwardJump(int Position, int To, int Rules, string? Preceding)
{
    public const string Forward = "FORWARD";

    public static readonly string Text = $"-A {Forward} -j {PolicyPlanner.DockerUser}";

    /// <summary>Whether Docker's own rules run before the jump, so that moving it changes something.</summary>
    public bool Behind => To < Position;

    /// <summary>Why the plan moves it, in the words of the audit's finding.</summary>
    public string Reason =>
        $"DFW603: FORWARD decides traffic before its jump to {PolicyPlanner.DockerUser} (rule {Position} of {Rules}), and no rule in {PolicyPlanner.DockerUser} sees that traffic";

    /// <summary>Where it goes, in words: first, or behind the rules Docker did not write.</summary>
    public string Place => To == 1 ? "first" : $"to rule {To}, ahead of Docker's own rules";

    /// <summary>
    /// FORWARD's first unconditional jump to DOCKER-USER, or null when FORWARD has none.
    /// <paramref name="bridges"/>: the Docker bridges whose per-bridge rules are Docker's.
    /// </summary>
    public static ForwardJump? Find(Ruleset ruleset, IEnumerable<string> bridges)
    {
        if (ruleset["filter"]?[Forward] is not { } forward) return null;
        var rules = Formatted(forward);
        var index = rules.IndexOf(Text);
        if (index < 0) return null;
        var known = bridges.ToHashSet(StringComparer.Ordinal);
        var foreign = index == 0 ? -1 : rules.FindLastIndex(index - 1, index, r => !Dockers(r, known));
        return new ForwardJump(index + 1, foreign + 2, rules.Count, index == 0 ? null : rules[index - 1]);
    }

    /// <summary>
    /// Docker's own rules of FORWARD (libnetwork's templates, 20.10 to 28): a jump to one of its chains,
    /// and per bridge the accept of its replies, the jump to DOCKER, the accept of what leaves it and
    /// the icc accept or drop inside it.
    /// </summary>
    private static bool Dockers(string rule, HashSet<string> bridges) =>
        DockerChainJump().IsMatch(rule)
        || BridgeRule().Match(rule) is { Success: true } m && bridges.Contains(m.Groups["bridge"].Value)
            && (!m.Groups["other"].Success || m.Groups["other"].Value == m.Groups["bridge"].Value);

    [GeneratedRegex("^-A FORWARD -j DOCKER(-(ISOLATION-STAGE-1|FORWARD))?$")]
    private static partial Regex DockerChainJump();

    [GeneratedRegex("^-A FORWARD (-o (?<bridge>\\S+) -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT|-o (?<bridge>\\S+) -j DOCKER|-i (?<bridge>\\S+) !? ?-o (?<other>\\S+) -j (ACCEPT|DROP))$")]
    private static partial Regex BridgeRule();

    /// <summary>The ruleset with this jump taken from its place and put at <see cref="To"/> in FORWARD, rules numbered anew.</summary>
    public Ruleset MovedAhead(Ruleset ruleset)
    {
        var filter = ruleset["filter"]!;
        var forward = filter[Forward]!;
        var jump = forward.Rules[Position - 1];
        var rules = forward.Rules.RemoveAt(Position - 1).Insert(To - 1, jump);
        var moved = forward with { Rules = [.. rules.Select((r, i) => r with { Number = i + 1 })] };
        return ruleset with
        {
            Tables = [.. ruleset.Tables.Select(t => t == filter ? t with { Chains = [.. t.Chains.Select(c => c == forward ? moved : c)] } : t)],
        };
    }

    /// <summary>
    /// The <c>iptables-restore --noflush</c> lines that move it: <c>-D</c> deletes the first rule that
    /// matches, which is this one, and the rules ahead of <see cref="To"/> keep their places; both run
    /// in the plan's one transaction, so no packet sees FORWARD without its jump.
    /// </summary>
    public ImmutableArray<string> RestoreLines =>
        [$"# FORWARD's jump to {PolicyPlanner.DockerUser} moved {Place} ({Reason})", $"-D {Forward} -j {PolicyPlanner.DockerUser}", $"-I {Forward} {To} -j {PolicyPlanner.DockerUser}"];

    /// <summary>
    /// Whether <paramref name="now"/> still has the jump ahead of the rule it followed before the plan
    /// (where the plan put it, wherever rules Docker inserted since put that): what the undo puts back.
    /// </summary>
    public bool StillMoved(Ruleset now) => Places(now) is { Jump: var jump, Preceding: var preceding } && preceding > jump;

    /// <summary>
    /// The lines that put the jump back where it was, against the rules as they are now: deleted, then
    /// inserted right after the rule that preceded it, found by its text wherever Docker's later rules
    /// put it. Nothing else is named, so every rule Docker added to FORWARD meanwhile stays. Empty when
    /// the jump is behind that rule already, or the rule is gone (Docker rebuilt FORWARD since, and
    /// placed its jump itself).
    /// </summary>
    public ImmutableArray<string> UndoLines(Ruleset now)
    {
        if (!StillMoved(now)) return [];
        // After the delete the preceding rule, at 0-based Preceding now, is rule Preceding (1-based):
        // inserting at Preceding + 1 puts the jump right behind it.
        var preceding = Places(now)!.Value.Preceding;
        return [$"-D {Forward} -j {PolicyPlanner.DockerUser}", $"-I {Forward} {preceding + 1} -j {PolicyPlanner.DockerUser}"];
    }

    /// <summary>0-based places in <paramref name="ruleset"/>'s FORWARD of the jump and of the rule that preceded it before the plan, when both are there.</summary>
    private (int Jump, int Preceding)? Places(Ruleset ruleset)
    {
        if (Preceding is null || ruleset["filter"]?[Forward] is not { } forward) return null;
        var rules = Formatted(forward);
        var (jump, preceding) = (rules.IndexOf(Text), rules.IndexOf(Preceding));
        return jump < 0 || preceding < 0 ? null : (jump, preceding);
    }

    private static List<string> Formatted(Chain chain) => [.. chain.Rules.Select(r => IptablesSaveWriter.FormatRule(r))];
}
