namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Shares the strings a dump repeats (option names, chain names, comments): a 100,000-rule dump
/// holds a few thousand distinct short tokens, and one copy of each keeps the model small and the
/// garbage collector idle. One pool per read, so nothing outlives the read but the model.
/// </summary>
internal sealed class StringPool
{
    private const int MaxLength = 128;

    private readonly HashSet<string> strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public StringPool() => lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength) return text.ToString();
        if (lookup.TryGetValue(text, out var known)) return known;
        var added = text.ToString();
        strings.Add(added);
        return added;
    }
}
