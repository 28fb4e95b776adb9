namespace DockerFw.Cli.Workflows;

/// <summary>
/// What a workflow hands back to its command: the result to format, or the exit code of a failure
/// whose reason the workflow has already written on stderr (a usage error, a host that did not load).
/// </summary>
internal sealed record WorkflowOutcome<TResult>(TResult? Result, int ExitCode) where TResult : class
{
    public static WorkflowOutcome<TResult> Done(TResult result) => new(result, ExitCodes.Ok);

    public static WorkflowOutcome<TResult> Failed(int exitCode) => new(null, exitCode);
}
