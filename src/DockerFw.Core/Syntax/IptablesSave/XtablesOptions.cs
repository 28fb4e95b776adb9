using System.Collections.Immutable;
using System.Globalization;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>How xtables' guided parser reads an option's value (enum xt_option_type, in its order).</summary>
internal enum XtType
{
    None, UInt8, UInt16, UInt32, UInt64, UInt8Rc, UInt16Rc, UInt32Rc, UInt64Rc, Double, String, TosMask,
    MarkMask32, SyslogLevel, Host, HostMask, Protocol, Port, PortRc, Plen, PlenMask, EtherMac,
}

/// <summary>
/// One option of an extension as its library declares it: the value's type and bounds (0 for none),
/// whether it takes <c>!</c>, is mandatory or may come again, and the options it excludes or needs.
/// </summary>
internal sealed record XtOption(string Name, XtType Type, bool Invertible, bool Mandatory, bool Multi, ulong Min, ulong Max,
    ImmutableArray<string> Excludes, ImmutableArray<string> Also);

/// <summary>
/// The option tables xtables checks every rule against before the kernel sees it (libxtables'
/// xtables_option_parse and xtables_options_fcheck): an option given twice ("can only be used once"),
/// one another excludes ("cannot be used together with"), one that needs another ("also requires"), a
/// mandatory one missing ("must be specified"), a value out of its type's bounds.
/// </summary>
internal static partial class XtablesOptions
{
    private static readonly Lock Gate = new();

    // Each table is read from the dump when a rule first asks for it: a small dump names a dozen of the ~90,
    // and reading them all at start was 1-3% of `fmt` of one (docs/performance.md, "Reader on every shape").
    // Keyed by a tuple, not a string: a key built per lookup was an allocation per match and per target of every rule.
    // Replaced, never changed in place: the binders on the other core read it without the lock.
    private static Dictionary<(bool Target, char Family, string Name), ImmutableArray<XtOption>?> read = [];

    /// <summary>The options of match (<paramref name="target"/> false) or target <paramref name="name"/> in a family; null when not guided.</summary>
    public static ImmutableArray<XtOption>? Find(bool target, string name, IpFamily family)
    {
        var key = (target, family == IpFamily.V4 ? '4' : '6', name);
        if (Volatile.Read(ref read).TryGetValue(key, out var options)) return options;
        lock (Gate)
        {
            if (read.TryGetValue(key, out options)) return options;
            options = Load(key);
            Volatile.Write(ref read, new Dictionary<(bool Target, char Family, string Name), ImmutableArray<XtOption>?>(read) { [key] = options });
            return options;
        }
    }

    public static XtOption? Option(ImmutableArray<XtOption>? table, string option)
    {
        if (table is not { } options) return null;
        foreach (var o in options)
            if (o.Name == option) return o;
        return null;
    }

    // Where each extension's lines lie in Dump ("match NAME" or "target NAME": the lines' starts and ends), found in one walk
    // at the first Load: a walk of the whole text per table read and Split/Enum.Parse per option were 1.4 M of the 38 M
    // instructions of `fmt` of the real-world corpus, half of them with the other core waiting on the gate
    // (docs/performance.md, "Reader on every shape"). Written under the gate only.
    private static Dictionary<string, List<(int Start, int End)>>? lineIndex;

    private static readonly string[] TypeNames = Enum.GetNames<XtType>();

    /// <summary>The table of one extension in one family: its last line in <see cref="Dump"/> that names the family.</summary>
    private static ImmutableArray<XtOption>? Load((bool Target, char Family, string Name) key)
    {
        lineIndex ??= IndexLines();
        if (!lineIndex.TryGetValue($"{(key.Target ? "target" : "match")} {key.Name}", out var lines)) return null;
        ImmutableArray<XtOption>? found = null;
        foreach (var (start, end) in lines)
        {
            // KIND NAME FAMILIES OPTION...
            var rest = Dump.AsSpan(start, end - start);
            for (var skip = 0; skip < 2; skip++) rest = rest[(rest.IndexOf(' ') + 1)..];
            var cut = rest.IndexOf(' ');
            if (!(cut < 0 ? rest : rest[..cut]).Contains(key.Family)) continue;
            var options = ImmutableArray.CreateBuilder<XtOption>();
            while (cut >= 0)
            {
                rest = rest[(cut + 1)..];
                cut = rest.IndexOf(' ');
                options.Add(ParseOption(cut < 0 ? rest : rest[..cut]));
            }

            found = options.DrainToImmutable();
        }

        return found;
    }

    private static Dictionary<string, List<(int Start, int End)>> IndexLines()
    {
        var index = new Dictionary<string, List<(int Start, int End)>>(StringComparer.Ordinal);
        for (var at = 0; at < Dump.Length;)
        {
            var end = Dump.IndexOf('\n', at);
            if (end < 0) end = Dump.Length;
            var line = Dump.AsSpan(at, end - at).Trim();
            var first = line.IndexOf(' ');
            var second = first < 0 ? -1 : line[(first + 1)..].IndexOf(' ');
            if (second >= 0)
            {
                var lineStart = at + Dump.AsSpan(at, end - at).IndexOf(line);
                var kindAndName = line[..(first + 1 + second)].ToString();
                if (!index.TryGetValue(kindAndName, out var lines)) index[kindAndName] = lines = [];
                lines.Add((lineStart, lineStart + line.Length));
            }

            at = end + 1;
        }

        return index;
    }

    /// <summary>One option, <c>name:TYPE:FLAGS:MIN:MAX:EXCL:ALSO</c>.</summary>
    private static XtOption ParseOption(ReadOnlySpan<char> text)
    {
        Span<Range> f = stackalloc Range[8];
        if (text.Split(f, ':') != 7) throw new InvalidOperationException($"xtables option table: '{text}'");
        var flags = text[f[2]];
        return new XtOption("--" + text[f[0]].ToString(), TypeOf(text[f[1]]), flags.Contains('I'), flags.Contains('M'), flags.Contains('U'),
            ulong.Parse(text[f[3]], CultureInfo.InvariantCulture), ulong.Parse(text[f[4]], CultureInfo.InvariantCulture), Names(text[f[5]]), Names(text[f[6]]));
    }

    private static XtType TypeOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < TypeNames.Length; i++)
            if (name.Equals(TypeNames[i], StringComparison.OrdinalIgnoreCase)) return (XtType)i;
        throw new InvalidOperationException($"xtables option table: no type '{name}'");
    }

    private static ImmutableArray<string> Names(ReadOnlySpan<char> field)
    {
        if (field is "-") return [];
        var names = ImmutableArray.CreateBuilder<string>(field.Count('+') + 1);
        foreach (var name in field.Split('+')) names.Add("--" + field[name].ToString());
        return names.MoveToImmutable();
    }
}
