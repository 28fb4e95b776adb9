using System.Globalization;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>Seeds as scripts/soak.sh passes them: <c>1,2,7</c> or <c>100-149</c>.</summary>
public static class SeedList
{
    public static IReadOnlyList<int>? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(part => part.Split('-') is [var lo, var hi]
                ? Enumerable.Range(int.Parse(lo, CultureInfo.InvariantCulture), int.Parse(hi, CultureInfo.InvariantCulture) - int.Parse(lo, CultureInfo.InvariantCulture) + 1)
                : [int.Parse(part, CultureInfo.InvariantCulture)])
            .ToList();
    }
}
