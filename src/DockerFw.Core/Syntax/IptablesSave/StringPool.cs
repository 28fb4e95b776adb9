using System.Runtime.InteropServices;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Shares the strings a dump repeats (option, module and chain names): a 100,000-rule dump
/// holds a few thousand distinct short tokens, and one copy of each keeps the model small and the
/// garbage collector idle. One pool per read, so nothing outlives the read but the model.
/// </summary>
internal sealed class StringPool
{
    private const int MaxLength = 128;

    private readonly HashSet<string> strings;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public StringPool()
        : this(0)
    {
    }

    /// <param name="capacity">The distinct strings expected: a set grown by doubling left 5-11 MB of garbage on 100,000 rules.</param>
    public StringPool(int capacity)
    {
        strings = new(capacity, StringComparer.Ordinal);
        lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    // The last string seen in each slot of a cheap hash. A dump's tokens are mostly the same dozen
    // option and module names (-A -m --comment -j ...); they are found here without hashing the
    // whole token or touching the big set, whose lookups were 5% of fmt on 100,000 rules. 4,096 slots
    // hashed on the last four characters: with 256 hashed on the length and the first and last character,
    // the ipv6 shape's 4,093 bridge names (br-0 ... br-4092, two a rule) shared 40 slots, and a quarter of
    // the lookups went on to the set (callgrind: the pool 9% of that shape's instructions).
    private readonly string?[] recent = new string?[4096];

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxLength) return text.ToString();
        if (text.IsEmpty) return "";
        var slot = Slot(text) & (recent.Length - 1);
        if (recent[slot] is { } hot && text.SequenceEqual(hot)) return hot;
        if (!lookup.TryGetValue(text, out var known))
        {
            known = text.ToString();
            strings.Add(known);
        }

        recent[slot] = known;
        return known;
    }

    private static int Slot(ReadOnlySpan<char> text)
    {
        // The last four characters as one number (a shorter token's last and middle ones), with the length and the first
        // character, spread over the slots by a multiplication.
        var tail = text.Length >= 4
            ? MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(text[^4..]))
            : text[^1] | ((ulong)text[text.Length / 2] << 16);
        return (int)(((tail ^ ((ulong)text.Length << 56) ^ ((ulong)text[0] << 40)) * 0x9E37_79B9_7F4A_7C15UL) >> 52);
    }
}
