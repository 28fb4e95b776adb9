using DockerFw.Cli.Commands;
using DockerFw.Core.Semantics.Symbolic;

namespace DockerFw.Cli.Output;

/// <summary><c>reach --format text</c>: the regions by verdict, made printable (no control characters from rule text).</summary>
internal sealed class ReachTextFormatter : IResultFormatter<ReachResult>
{
    public string Name => "text";

    // Piece by piece: a whole answer in one string could pass the 2^31 characters a string holds.
    public void Write(ReachResult result, TextWriter output)
    {
        foreach (var paragraph in ReachText.Paragraphs(result)) output.Write(Printable.Of(paragraph));
    }
}

/// <summary><c>reach --format json</c>.</summary>
internal sealed class ReachJsonFormatter : IResultFormatter<ReachResult>
{
    public string Name => "json";

    public void Write(ReachResult result, TextWriter output)
    {
        foreach (var piece in ReachJson.Pieces(result)) output.Write(piece);
    }
}
