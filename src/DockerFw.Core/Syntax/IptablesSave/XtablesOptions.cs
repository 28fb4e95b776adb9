using System.Collections.Frozen;
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
    // Keyed by a tuple, not a string: a key built per lookup was an allocation per match and per target of every rule.
    private static readonly Lazy<FrozenDictionary<(bool Target, char Family, string Name), ImmutableArray<XtOption>>> Tables = new(Load);

    /// <summary>The options of match (<paramref name="target"/> false) or target <paramref name="name"/> in a family; null when not guided.</summary>
    public static ImmutableArray<XtOption>? Find(bool target, string name, IpFamily family) =>
        Tables.Value.TryGetValue((target, family == IpFamily.V4 ? '4' : '6', name), out var options) ? options : null;

    public static XtOption? Option(ImmutableArray<XtOption>? table, string option)
    {
        if (table is not { } options) return null;
        foreach (var o in options)
            if (o.Name == option) return o;
        return null;
    }

    private static FrozenDictionary<(bool Target, char Family, string Name), ImmutableArray<XtOption>> Load()
    {
        var tables = new Dictionary<(bool Target, char Family, string Name), ImmutableArray<XtOption>>();
        foreach (var line in Dump.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ');
            var options = fields[3..].Select(ParseOption).ToImmutableArray();
            foreach (var family in fields[2]) tables[(fields[0] == "target", family, fields[1])] = options;
        }

        return tables.ToFrozenDictionary();
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
