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

    /// <summary>The table of one extension in one family: its last line in <see cref="Dump"/> that names the family.</summary>
    private static ImmutableArray<XtOption>? Load((bool Target, char Family, string Name) key)
    {
        var start = $"{(key.Target ? "target" : "match")} {key.Name} ";
        ImmutableArray<XtOption>? found = null;
        for (var at = 0; at < Dump.Length;)
        {
            var end = Dump.IndexOf('\n', at);
            if (end < 0) end = Dump.Length;
            var line = Dump.AsSpan(at, end - at).Trim();
            at = end + 1;
            if (!line.StartsWith(start, StringComparison.Ordinal)) continue;
            var fields = line.ToString().Split(' ');
            if (fields[2].Contains(key.Family)) found = [.. fields[3..].Select(ParseOption)];
        }

        return found;
    }

    private static XtOption ParseOption(string text)
    {
        var f = text.Split(':');
        return new XtOption("--" + f[0], Enum.Parse<XtType>(f[1], ignoreCase: true),
            f[2].Contains('I'), f[2].Contains('M'), f[2].Contains('U'),
            ulong.Parse(f[3], CultureInfo.InvariantCulture), ulong.Parse(f[4], CultureInfo.InvariantCulture), Names(f[5]), Names(f[6]));
    }

    private static ImmutableArray<string> Names(string field) =>
        field == "-" ? [] : [.. field.Split('+').Select(n => "--" + n)];
}
