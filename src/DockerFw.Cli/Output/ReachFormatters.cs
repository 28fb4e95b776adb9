using DockerFw.Cli.Commands;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Output;

/// <summary><c>reach --format text</c>: the regions by verdict, then the notices, made printable (no control characters from rule text).</summary>
internal sealed class ReachTextFormatter : IResultFormatter<ReachRun>
{
    public string Name => "text";

    // Piece by piece: a whole answer in one string could pass the 2^31 characters a string holds.
    public void Write(ReachRun run, TextWriter output)
    {
        foreach (var paragraph in ReachText.Paragraphs(run.Result, run.Notices)) output.Write(Printable.Of(paragraph));
    }
}

/// <summary><c>reach --format json</c>.</summary>
internal sealed class ReachJsonFormatter : IResultFormatter<ReachRun>
{
    public string Name => "json";

    public void Write(ReachRun run, TextWriter output)
    {
        foreach (var piece in ReachJson.Pieces(run.Result, run.Notices)) output.Write(piece);
    }
}
