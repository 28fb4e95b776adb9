namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// One argument of a rule line after restore's quoting was undone, with the 1-based column where it
/// starts. <see cref="Quoted"/> tells a quoted <c>"!"</c> or <c>"-j"</c> (data) from the bare one.
/// </summary>
internal readonly record struct Token(string Text, int Column, bool Quoted)
{
    /// <summary>
    /// Its quote is never closed: restore takes the rest of the line, line feed included, as this one
    /// argument, which is rarely what the writer meant.
    /// </summary>
    public bool Unclosed { get; init; }

    public bool IsBang => !Quoted && Text == "!";

    public bool LooksLikeOption => !Quoted && Text.Length > 1 && Text[0] == '-';

    public override string ToString() => Text;
}
