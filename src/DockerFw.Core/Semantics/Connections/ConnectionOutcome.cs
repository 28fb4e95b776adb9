namespace DockerFw.Core.Semantics.Connections;

/// <summary>One possible fate of a connection: the first packet's outcome and, when it got through, its reply's.</summary>
public sealed record ConnectionOutcome(Reachability Reachability, TraceOutcome Request, TraceOutcome? Reply)
{
    /// <summary>When the reply got through: the outcome of a later packet of the request (oracle F38).</summary>
    public TraceOutcome? Later { get; init; }
}
