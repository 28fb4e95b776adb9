using System.Collections.Immutable;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Core.Audit.Analysis;

/// <summary>
/// What <see cref="AdminRuleFacts"/> proves of the admin's rules, and where it could not decide: a
/// silence would read as "nothing to say" about rules it never judged (DFW613 says so instead).
/// </summary>
public sealed record AdminRuleAnswer(ImmutableArray<AdminRuleFact> Facts, ImmutableArray<AdminRuleDoubt> Doubts)
{
    public static AdminRuleAnswer Nothing { get; } = new([], []);
}

/// <summary>Why some of the admin's rules were not judged.</summary>
public abstract record AdminRuleDoubt;

/// <summary>
/// The walk over every packet would have taken more than <paramref name="Budget"/> rule tries: none
/// of the <paramref name="Rules"/> rules to judge, in <paramref name="Chains"/>, was judged.
/// </summary>
public sealed record AdminRulesOverBudget(ImmutableArray<(string Table, string Chain)> Chains, int Rules, long Budget) : AdminRuleDoubt;

/// <summary>
/// Some packets end where the engine cannot follow them (each part with the rule that sent it there
/// and why): they may reach any later rule, so none of the <paramref name="Rules"/> rules to judge, in
/// <paramref name="Chains"/>, was judged.
/// </summary>
public sealed record AdminRulesUndecided(ImmutableArray<(string Table, string Chain)> Chains, int Rules, ImmutableArray<UndecidedPackets> Parts) : AdminRuleDoubt;

/// <summary>
/// Packets of one path that end undecided at <paramref name="Rule"/> (null when no rule of the walk's
/// way names it), for <paramref name="Reason"/>.
/// </summary>
public sealed record UndecidedPackets(PacketPath Path, PacketSet Packets, ResponsibleRule? Rule, string Reason);

/// <summary>
/// No packet the engine follows reaches <paramref name="Rule"/>, but which earlier rules take its
/// packets depends on <paramref name="Doubts"/>, rules the dump cannot decide (each with why), so it
/// is not called shadowed.
/// </summary>
public sealed record AdminRuleUndecided(ResponsibleRule Rule, ImmutableArray<(ResponsibleRule Rule, string Reason)> Doubts) : AdminRuleDoubt;
