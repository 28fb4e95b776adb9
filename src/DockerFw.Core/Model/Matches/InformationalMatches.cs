using System.Collections.Immutable;

namespace DockerFw.Core.Model.Matches;

/// <summary><c>-m comment --comment TEXT</c>: always true, carries the author's note.</summary>
public sealed record CommentMatch(string Text) : Match(false)
{
    public override string Option => "--comment";
}

/// <summary>
/// An option of a module dockerfw knows (its name and arity) but does not interpret: limit, recent,
/// owner, statistic, string, conntrack's address options, and similar. Writers reproduce it; the
/// semantics engine treats it as "may match".
/// </summary>
public sealed record ModuleOptionMatch(string Module, string Name, ImmutableArray<string> Arguments, bool Negated) : Match(Negated)
{
    public override string Option => Name;
}

/// <summary>
/// An option of a module dockerfw does not know. Kept verbatim (with a warning) so nothing is lost
/// and later stages know the rule is only partly understood.
/// </summary>
public sealed record OpaqueMatch(string Module, string Name, ImmutableArray<string> Arguments, bool Negated) : Match(Negated)
{
    public override string Option => Name;
}
