namespace DockerFw.Core.Model.Values;

/// <summary>An interface name as iptables matches it: a trailing <c>+</c> makes it a prefix.</summary>
public sealed record InterfacePattern(string Text)
{
    public const int MaxLength = 15;

    public bool IsWildcard => Text.EndsWith('+');

    /// <summary>The fixed part: the whole name, or the prefix before <c>+</c>.</summary>
    public string Stem => IsWildcard ? Text[..^1] : Text;

    public bool Matches(string name) =>
        IsWildcard ? name.StartsWith(Stem, StringComparison.Ordinal) : name == Text;

    public override string ToString() => Text;
}
