namespace DockerFw.Core.Model.Targets;

/// <summary>What a rule does when all its matches hold: <c>-j</c> or <c>-g</c> and the target's options.</summary>
public abstract record Target
{
    /// <summary>The name written after <c>-j</c>/<c>-g</c>.</summary>
    public abstract string Name { get; }

    /// <summary>True when evaluation stops in this rule (a verdict); false when it goes on.</summary>
    public abstract bool IsTerminating { get; }
}

public enum Verdict
{
    Accept,
    Drop,
    Return,
    Queue,
}

/// <summary><c>-j ACCEPT|DROP|RETURN|QUEUE</c>.</summary>
public sealed record VerdictTarget(Verdict Verdict) : Target
{
    public override string Name => Verdict.ToString().ToUpperInvariant();

    public override bool IsTerminating => true;
}

/// <summary><c>-j CHAIN</c> (jump, returns here) or <c>-g CHAIN</c> (goto, returns to our caller).</summary>
public sealed record JumpTarget(string Chain, bool IsGoto = false) : Target
{
    public override string Name => Chain;

    public override bool IsTerminating => false;
}

/// <summary><c>-j REJECT --reject-with TYPE</c>.</summary>
public sealed record RejectTarget(string With) : Target
{
    public override string Name => "REJECT";

    public override bool IsTerminating => true;
}
