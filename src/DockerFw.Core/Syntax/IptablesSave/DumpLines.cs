namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>The lines of a dump, in order, cut from the text without a string each.</summary>
internal sealed class DumpLines(string text)
{
    private string? line;
    private int next;

    /// <summary>The whole input; the current line is <see cref="LineStart"/> up to <see cref="LineEnd"/>.</summary>
    public string Text => text;

    public int LineStart { get; private set; }

    /// <summary>Where the current line ends, before its line feed.</summary>
    public int LineEnd { get; private set; }

    /// <summary>The current line as a string of its own, cut only when asked for: rule lines never are.</summary>
    public string Line => line ??= text[LineStart..LineEnd];

    public ReadOnlySpan<char> LineSpan => text.AsSpan(LineStart, LineEnd - LineStart);

    public bool HadLineFeed { get; private set; }

    /// <summary>Moves to the next line; false at the end of the text.</summary>
    public bool MoveNext()
    {
        line = null;
        if (next >= text.Length) return false;
        LineStart = next;
        var end = text.IndexOf('\n', next);
        (LineEnd, HadLineFeed, next) = end >= 0 ? (end, true, end + 1) : (text.Length, false, text.Length);
        return true;
    }
}
