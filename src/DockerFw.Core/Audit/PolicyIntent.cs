namespace DockerFw.Core.Audit;

/// <summary>
/// The policy statement that asks for what a finding reports (<c>audit --policy</c>): the file, the
/// line it starts on, and the statement as written in short (<c>allow frontend -> backend tcp/5432</c>).
/// </summary>
public sealed record PolicyIntent(string File, int Line, string Statement)
{
    public override string ToString() => $"{File}:{Line}";
}
