namespace DockerFw.Core.Semantics.Connections;

/// <summary>One possible fate of a connection: the first packet's outcome and, when it got through, its reply's.</summary>
public sealed record ConnectionOutcome(Reachability Reachability, TraceOutcome Request, TraceOutcome? Reply);
