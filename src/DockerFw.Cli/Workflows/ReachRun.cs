using System.Collections.Immutable;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Workflows;

/// <summary>
/// One <c>dockerfw reach</c>: the partition of the query, and the notices its answer carries: the
/// doubts of Docker's view (<see cref="Core.Host.LoadedHost.ViewDoubts"/>) when <c>--src</c> or
/// <c>--dst</c> named a container or network through it, since the query's addresses are then the
/// view's; empty when the query named addresses alone, which no view changes.
/// </summary>
internal sealed record ReachRun(ReachResult Result, ImmutableArray<string> Notices);
