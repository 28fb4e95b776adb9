using System.Text.Json;
using System.Text.RegularExpressions;

namespace DockerFw.Cli.Tests.Audit;

/// <summary>
/// A small JSON Schema (draft 2020-12) checker for the keywords docs/audit.schema.json uses:
/// $ref to #/$defs, type, const, enum, required, properties, additionalProperties, items,
/// minimum, maximum, pattern, oneOf. Any other keyword is an error, so the schema cannot grow a
/// rule this checker silently ignores.
/// </summary>
internal sealed class JsonSchemaCheck(JsonElement root)
{
    private static readonly HashSet<string> Known =
    [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "const", "enum", "required",
        "properties", "additionalProperties", "items", "minimum", "maximum", "pattern", "oneOf",
    ];

    /// <summary>Every violation, as <c>$.path: problem</c>; empty when the instance conforms.</summary>
    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject().Where(p => !Known.Contains(p.Name)))
            errors.Add($"{path}: schema keyword '{keyword.Name}' is not supported by this checker");

        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(Resolve(reference.GetString()!), value, path, errors);
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            errors.Add($"{path}: expected {type}, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
            errors.Add($"{path}: expected {constant.GetRawText()}, got {value.GetRawText()}");
        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(c => JsonElement.DeepEquals(c, value)))
            errors.Add($"{path}: {value.GetRawText()} is not one of {choices.GetRawText()}");
        if (schema.TryGetProperty("oneOf", out var alternatives))
        {
            var matching = alternatives.EnumerateArray().Count(a => { var e = new List<string>(); Check(a, value, path, e); return e.Count == 0; });
            if (matching != 1) errors.Add($"{path}: matches {matching} of the oneOf alternatives, expected exactly 1");
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (schema.TryGetProperty("minimum", out var min) && value.GetDouble() < min.GetDouble()) errors.Add($"{path}: {value} is below {min}");
            if (schema.TryGetProperty("maximum", out var max) && value.GetDouble() > max.GetDouble()) errors.Add($"{path}: {value} is above {max}");
        }

        if (value.ValueKind == JsonValueKind.String && schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(value.GetString()!, pattern.GetString()!))
            errors.Add($"{path}: '{value.GetString()}' does not match {pattern.GetString()}");
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray()) Check(items, item, $"{path}[{index++}]", errors);
        }

        if (value.ValueKind == JsonValueKind.Object) CheckObject(schema, value, path, errors);
    }

    private void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
                errors.Add($"{path}: required property '{name}' is missing");
        }

        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        foreach (var member in value.EnumerateObject())
        {
            var memberPath = $"{path}.{member.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var memberSchema))
                Check(memberSchema, member.Value, memberPath, errors);
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                if (additional.ValueKind == JsonValueKind.False) errors.Add($"{memberPath}: property is not in the schema");
                else if (additional.ValueKind == JsonValueKind.Object) Check(additional, member.Value, memberPath, errors);
            }
        }
    }

    private JsonElement Resolve(string reference)
    {
        const string prefix = "#/$defs/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal)) throw new NotSupportedException($"only {prefix} references: {reference}");
        return root.GetProperty("$defs").GetProperty(reference[prefix.Length..]);
    }

    private static bool TypeMatches(JsonElement type, JsonElement value) =>
        type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => Is(t.GetString()!, value)) : Is(type.GetString()!, value);

    private static bool Is(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => throw new NotSupportedException($"JSON type '{type}'"),
    };
}
