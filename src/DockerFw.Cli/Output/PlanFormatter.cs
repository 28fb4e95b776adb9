using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>dockerfw plan</c>'s output: the restore input (iptables-restore <c>--noflush</c>, ip6tables' marked
/// since it goes to another command, or one <c>nft -f</c> script of both families), then the diffs,
/// which <c>patch -p1</c> applies together to iptables-save and ip6tables-save; or that nothing changes.
/// </summary>
internal sealed class PlanFormatter(StandardStreams streams) : IResultFormatter<PlanRun>
{
    public string Name => "text";

    public void Write(PlanRun run, TextWriter output)
    {
        var plan = run.Plan;
        if (plan.ChangesNothing)
        {
            output.WriteLine($"dockerfw: the host already runs the plan of {run.PolicyFile}; nothing to change");
            return;
        }

        // On a terminal the host's comments are shown with their control characters escaped; a pipe
        // or a file gets the bytes restore and patch take.
        var writer = streams.TerminalWidth is null ? output : new PrintableWriter(output);
        if (plan.Nftables)
        {
            // One nft -f script holds both families: one transaction.
            writer.Write("# nft -f\n" + plan.RestoreInput);
            writer.WriteLine();
        }
        else
        {
            if (plan.Diff.Length > 0) writer.Write(plan.RestoreInput);
            if (plan.Ipv6 is { ChangesNothing: false } ipv6)
            {
                if (plan.Diff.Length > 0) writer.WriteLine();
                writer.Write("# ip6tables-restore --noflush\n" + ipv6.RestoreInput);
            }

            writer.WriteLine();
        }

        writer.Write(plan.Diff);
        writer.Write(plan.Ipv6?.Diff ?? "");
        writer.Flush();
    }
}
