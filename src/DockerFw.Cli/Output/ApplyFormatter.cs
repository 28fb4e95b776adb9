using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>dockerfw apply</c>'s last words: that nothing changed or nothing was applied. An applied or
/// rolled-back plan has said its steps on stderr as they happened (<see cref="Apply.PolicyApplier"/>).
/// </summary>
internal sealed class ApplyFormatter : IResultFormatter<ApplyRun>
{
    public string Name => "text";

    public void Write(ApplyRun run, TextWriter output)
    {
        switch (run.End)
        {
            case ApplyEnd.NoChange:
                output.WriteLine(run.PolicyFile is { } policy
                    ? $"dockerfw: no change: the host already runs the plan of {policy}"
                    : "dockerfw: no change: the host has no rules of dockerfw's to remove");
                break;
            case ApplyEnd.Declined:
                output.WriteLine("dockerfw: nothing applied");
                break;
        }
    }
}
