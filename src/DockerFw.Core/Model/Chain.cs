using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Model;

/// <summary>
/// A chain. Built-in chains have a policy (ACCEPT or DROP) that applies when a packet falls off the
/// end; user chains have none and return to their caller.
/// </summary>
public sealed record Chain(string Name, Verdict? Policy, Counters Counters, ImmutableArray<Rule> Rules, SourceSpan Span)
{
    public bool IsBuiltIn => Policy is not null;

    /// <summary>For an nftables chain attached to a hook: its type, hook and priority; null otherwise.</summary>
    public BaseChain? Base { get; init; }

    public static readonly ImmutableArray<string> BuiltInNames =
        ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

    public const int MaxNameLength = 28;
}
