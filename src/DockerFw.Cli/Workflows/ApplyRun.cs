namespace DockerFw.Cli.Workflows;

/// <summary>How one <c>dockerfw apply</c> ended once it had a plan.</summary>
internal enum ApplyEnd
{
    /// <summary>The host already runs the plan (or has nothing of dockerfw's to remove).</summary>
    NoChange,

    /// <summary>The user did not say yes to the plan shown.</summary>
    Declined,

    /// <summary>Applied, read back and (when asked) confirmed.</summary>
    Applied,

    /// <summary>Applying failed or was not confirmed and was rolled back; the applier said why on stderr.</summary>
    RolledBack,
}

/// <summary>One <c>dockerfw apply</c>: how it ended, and the policy it applied (null for <c>--remove</c>).</summary>
internal sealed record ApplyRun(ApplyEnd End, string? PolicyFile);
