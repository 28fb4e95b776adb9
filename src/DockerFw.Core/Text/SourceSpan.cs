namespace DockerFw.Core.Text;

/// <summary>Where something came from: a file and a 1-based line and column.</summary>
public sealed record SourceSpan(string File, int Line, int Column)
{
    public static SourceSpan None { get; } = new("", 0, 0);

    public SourceSpan AtColumn(int column) => this with { Column = column };

    public override string ToString() => $"{File}:{Line}:{Column}";
}
