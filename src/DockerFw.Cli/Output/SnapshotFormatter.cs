using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>dockerfw snapshot</c>'s words: the snapshot itself (its comments' control characters escaped on
/// a terminal, the bytes as they are for a file to approve), or the check against an approved one:
/// a match, or the drift's diff and what it changes in traffic.
/// </summary>
internal sealed class SnapshotFormatter(StandardStreams streams) : IResultFormatter<SnapshotRun>
{
    public string Name => "text";

    public void Write(SnapshotRun run, TextWriter output)
    {
        if (run.Check is not { } check)
        {
            output.Write(Printable.ForTerminal(run.Snapshot, streams));
            return;
        }

        if (check.Diff is not { } diff)
        {
            output.WriteLine($"dockerfw: the host matches {check.ApprovedFile}");
            return;
        }

        output.WriteLine($"dockerfw: the host drifted from {check.ApprovedFile} (- approved, + now):");
        output.Write(Printable.Of(diff));
        if (check.Behaviour is not { } behaviour) return;
        if (behaviour.Unknown is { } unknown)
            output.WriteLine($"dockerfw: what the drift changes in traffic is not judged: {unknown}");
        else if (behaviour.Changes.IsEmpty)
            output.WriteLine("dockerfw: the drift changes no traffic between networks, no icc, masquerade or published port (IPv4, judged with today's containers)");
        else
        {
            output.WriteLine("dockerfw: the drift changes traffic (IPv4, approved rules vs now, judged with today's containers):");
            foreach (var change in behaviour.Changes) output.WriteLine(Printable.Of($"  {change}"));
        }
    }
}
