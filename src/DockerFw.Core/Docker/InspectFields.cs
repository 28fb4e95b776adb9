using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Docker;

/// <summary>
/// Typed reads of the fields of Docker's JSON that report a value of the wrong shape at its path
/// instead of taking it for absent: a name that is a number or an icc option of "banana" would
/// otherwise turn into a default and then into false findings.
/// </summary>
internal sealed class InspectFields(InspectProblems problems)
{
    public InspectProblems Problems => problems;

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => "null",
    };

    /// <summary>The string field, null when absent or null; any other kind of value is a problem.</summary>
    public string? Str(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        problems.Error($"{path}.{name}", $"expected a string in \"{name}\", but got {Kind(v)}");
        return null;
    }

    public bool? Bool(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        problems.Error($"{path}.{name}", $"expected true or false in \"{name}\", but got {Kind(v)}");
        return null;
    }

    public ImmutableArray<string> StringArray(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array)
        {
            problems.Error($"{path}.{name}", $"expected an array of strings in \"{name}\", but got {Kind(v)}");
            return [];
        }

        var strings = ImmutableArray.CreateBuilder<string>();
        foreach (var (x, i) in v.EnumerateArray().Select((x, i) => (x, i)))
        {
            if (x.ValueKind == JsonValueKind.String) strings.Add(x.GetString()!);
            else problems.Error($"{path}.{name}[{i}]", $"expected a string in \"{name}\", but got {Kind(x)}");
        }

        return strings.ToImmutable();
    }

    public Dictionary<string, string> Strings(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Object)
        {
            problems.Error($"{path}.{name}", $"expected an object of strings in \"{name}\", but got {Kind(v)}");
            return [];
        }

        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String) strings[p.Name] = p.Value.GetString()!;
            else problems.Error($"{path}.{name}.{p.Name}", $"expected a string in \"{p.Name}\", but got {Kind(p.Value)}");
        }

        return strings;
    }

    /// <summary>
    /// A boolean option as dockerd reads it (Go's strconv.ParseBool: 1, t, true, 0, f, false in three
    /// cases); null when absent. dockerd refuses anything else, so no Engine wrote it.
    /// </summary>
    public bool? GoBool(Dictionary<string, string> options, string key, string path)
    {
        if (!options.TryGetValue(key, out var text) || text.Length == 0) return null;
        switch (text)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True": return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False": return false;
            default:
                problems.Error($"{path}.{key}", $"expected true or false in \"{key}\" (as dockerd parses it), but got '{text}'");
                return null;
        }
    }

    /// <summary>An address option, kept as text; one that is no address is a problem.</summary>
    public string? Address(Dictionary<string, string> options, string key, string path)
    {
        if (!options.TryGetValue(key, out var text) || text.Length == 0) return null;
        if (IpAddressValue.FamilyOf(text) is { } family && IpAddressValue.TryParse(text, family, out _)) return text;
        problems.Error($"{path}.{key}", $"expected an IP address in \"{key}\", but got '{text}'");
        return null;
    }

    /// <summary>A whole number field (Go's int), null when absent or null; any other value is a problem.</summary>
    public long? Integer(JsonElement e, string name, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        problems.Error($"{path}.{name}", $"expected a whole number in \"{name}\", but got {Kind(v)}");
        return null;
    }

    /// <summary>A container's address on a network; empty means none.</summary>
    public UInt128? Ip(JsonElement e, string name, IpFamily family, string path)
    {
        if (Str(e, name, path) is not { Length: > 0 } text) return null;
        if (IpAddressValue.TryParse(text, family, out var address)) return address;
        problems.Error($"{path}.{name}", $"expected an {(family == IpFamily.V4 ? "IPv4" : "IPv6")} address in \"{name}\", but got '{text}'");
        return null;
    }
}
