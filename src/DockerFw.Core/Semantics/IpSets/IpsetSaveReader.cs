using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Semantics.IpSets;

/// <summary>
/// Reads the output of <c>ipset save</c> (what <c>ipset restore</c> takes): <c>create NAME TYPE
/// [OPTIONS]</c> lines, each followed by the set's <c>add NAME ELEMENT [OPTIONS]</c> lines. The sets
/// whose match tests one address are resolved (hash:ip and bitmap:ip with their <c>netmask</c>,
/// hash:net with its <c>nomatch</c> entries), those whose members are tuples the kernel's tests
/// confirmed (<see cref="IpSetTupleEntries"/>: hash:ip,port, hash:net,port, hash:ip,port,ip,
/// hash:ip,port,net), and a list:set whose members all are; every other type is named as unread.
/// </summary>
public static class IpsetSaveReader
{
    private static readonly string[] Resolved = ["hash:ip", "hash:net", "bitmap:ip"];

    public static ParseResult<IpSetListing> Read(string text, string file)
    {
        var sets = new Dictionary<string, (string Type, IpSetEntries? Entries, int Netmask)>(StringComparer.Ordinal);
        var order = new List<string>();
        var timed = new List<string>();
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        // Sets of tuples by name; null once an element could not be read exactly.
        var tuples = new Dictionary<string, IpSetTupleEntries?>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var words = Words(line);
            SourceSpan At(int word) => new(file, lineNumber, words.Count > word ? words[word].Column : line.Length + 1);
            ParseResult<IpSetListing> Failed(int word, string message) => new(null, [IpSetMessages.NotAListing(At(word), message)]);

            switch (words[0].Text)
            {
                case "create" when words.Count >= 3:
                {
                    var (name, type) = (words[1].Text, words[2].Text);
                    if (sets.ContainsKey(name)) return Failed(1, $"expected each set created once, but '{name}' is created again");
                    var options = words.Skip(3).Select(w => w.Text).ToList();
                    var family = Option(options, "family") switch
                    {
                        null or "inet" => IpFamily.V4,
                        "inet6" => IpFamily.V6,
                        var other => (IpFamily?)null,
                    };
                    if (family is null) return Failed(3 + options.IndexOf("family") + 1, "expected the family inet or inet6");
                    var netmask = family.Value.Bits();
                    if (Option(options, "netmask") is { } maskText && (!int.TryParse(maskText, out netmask) || netmask < 1 || netmask > family.Value.Bits()))
                        return Failed(3 + options.IndexOf("netmask") + 1, $"expected a netmask of 1-{family.Value.Bits()}");
                    if (options.Contains("timeout")) timed.Add(name);
                    // bitmask (ipset 7.17) and the markmask of hash:ip,mark change what a member stands for: not resolved.
                    var resolved = Resolved.Contains(type) && !options.Contains("bitmask");
                    sets[name] = (type, resolved ? new IpSetEntries(family.Value) : null, netmask);
                    // A netmask or bitmask on a set of tuples changes what its members stand for: not read.
                    if (!options.Contains("netmask") && !options.Contains("bitmask") && IpSetTupleEntries.For(type, family.Value) is { } entries)
                        tuples[name] = entries;
                    if (type == "list:set") lists[name] = [];
                    order.Add(name);
                    break;
                }
                case "add" when words.Count >= 3:
                {
                    if (!sets.TryGetValue(words[1].Text, out var set)) return Failed(1, $"expected a set created before its members, but '{words[1].Text}' was not");
                    if (lists.TryGetValue(words[1].Text, out var listed))
                    {
                        // A list's member is a set's name ('before'/'after' only place it in the list).
                        listed.Add(words[2].Text);
                        if (words.Skip(3).Any(w => w.Text == "timeout")) timed.Add(words[1].Text);
                        break;
                    }

                    if (tuples.TryGetValue(words[1].Text, out var tupleEntries))
                    {
                        if (tupleEntries is not null && !tupleEntries.Add(words[2].Text, words.Skip(3).Any(w => w.Text == "nomatch")))
                            tuples[words[1].Text] = null;
                        break;
                    }

                    if (set.Entries is not { } entries) break;
                    var element = words[2].Text;
                    if (Element(element, entries.Family, set.Type == "hash:net" ? entries.Family.Bits() : set.Netmask) is not { } range)
                        return Failed(2, $"expected an address, a prefix or a range of the set's family ({(entries.Family == IpFamily.V4 ? "inet" : "inet6")}), but got '{element}'");
                    entries.Add(range.First, range.Last, words.Skip(3).Any(w => w.Text == "nomatch"));
                    break;
                }
                default:
                    return Failed(0, "expected 'create NAME TYPE ...' or 'add NAME ELEMENT ...', the lines of 'ipset save'");
            }
        }

        var members = ImmutableDictionary.CreateBuilder<string, IpSetMembers>(StringComparer.Ordinal);
        var unread = ImmutableArray.CreateBuilder<(string, string)>();
        var resolvedLists = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var name in order)
        {
            var (type, entries, _) = sets[name];
            if (entries is not null) members[name] = entries.Members();
            else if (tuples.GetValueOrDefault(name) is { } tupleEntries) members[name] = new IpSetMembers([], [tupleEntries.Build()]);
            else if (lists.TryGetValue(name, out var listed) && listed.All(m => members.ContainsKey(m) && !lists.ContainsKey(m)))
            {
                // The kernel tries the members in turn and the first that holds the packet matches: one
                // of another family (or with more parts than the match has directions) never does.
                members[name] = IpSetMembers.Union(listed.Select(m => members[m]));
                resolvedLists[name] = [.. listed];
                if (listed.Any(timed.Contains) && !timed.Contains(name)) timed.Add(name);
            }
            else unread.Add((name, type));
        }

        return new ParseResult<IpSetListing>(new IpSetListing(members.ToImmutable().WithComparers(new IpSetGaps(unread)), unread.ToImmutable(), [.. timed]) { Lists = resolvedLists.ToImmutable() }, []);
    }

    /// <summary>
    /// An element: an address (its netmask's prefix for hash:ip and bitmap:ip, which store the
    /// network the address is in), a prefix, or a range FIRST-LAST.
    /// </summary>
    private static (UInt128 First, UInt128 Last)? Element(string text, IpFamily family, int netmask)
    {
        var dash = text.IndexOf('-');
        if (dash > 0)
        {
            if (!IpAddressValue.TryParse(text[..dash], family, out var first) || !IpAddressValue.TryParse(text[(dash + 1)..], family, out var last) || last < first)
                return null;
            var mask = AddressMask.PrefixMask(family, netmask);
            return (first & mask, last | (~mask & family.AllOnes()));
        }

        if (!AddressMask.TryParse(text, family, out var parsed) || parsed!.PrefixLength is not { } length) return null;
        var stored = AddressMask.FromPrefix(family, parsed.Address, Math.Min(length, netmask));
        return stored.Bounds;
    }

    private static string? Option(List<string> options, string name)
    {
        var at = options.IndexOf(name);
        return at >= 0 && at + 1 < options.Count ? options[at + 1] : null;
    }

    // The words of a line, a double-quoted comment kept as one; with their 1-based columns.
    private static List<(string Text, int Column)> Words(string line)
    {
        var words = new List<(string, int)>();
        var i = 0;
        while (i < line.Length)
        {
            if (line[i] == ' ' || line[i] == '\t')
            {
                i++;
                continue;
            }

            var start = i;
            if (line[i] == '"')
            {
                i = line.IndexOf('"', i + 1);
                i = i < 0 ? line.Length : i + 1;
            }
            else
                while (i < line.Length && line[i] != ' ' && line[i] != '\t') i++;
            words.Add((line[start..i], start + 1));
        }

        return words;
    }
}
