using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Reads one rule line inside a minimal dump and asserts on it, as Superpower's AssertParser does:
/// the rule is always line 4 of file "t", so messages are pinned whole (<c>t:4:COL: ...</c>).
/// </summary>
internal static class AssertReader
{
    public static string Dump(string ruleLine, string table = "filter") =>
        $"*{table}\n:INPUT ACCEPT [0:0]\n:USER - [0:0]\n{ruleLine}\nCOMMIT\n";

    public static ParseResult<Ruleset> Read(string ruleLine, IpFamily family = IpFamily.V4, string table = "filter") =>
        IptablesSaveReader.Read(Dump(ruleLine, table), "t", family);

    /// <summary>The line reads without any diagnostic, and the writer prints it as <paramref name="canonical"/>.</summary>
    public static Rule SucceedsWith(string ruleLine, string canonical, IpFamily family = IpFamily.V4, string table = "filter")
    {
        var result = Read(ruleLine, family, table);
        Assert.Equal("", string.Join("\n", result.Diagnostics.Select(d => d.Render())));
        var rule = Assert.Single(result.Value!.Rules);
        Assert.Equal(canonical, IptablesSaveWriter.FormatRule(rule));
        Assert.Equal(ruleLine, rule.SourceText);
        return rule;
    }

    public static Rule SucceedsWith(string ruleLine, IpFamily family = IpFamily.V4, string table = "filter") =>
        SucceedsWith(ruleLine, ruleLine, family, table);

    /// <summary>The line is read, with exactly one warning, rendered whole.</summary>
    public static Rule WarnsWith(string ruleLine, string canonical, string warning, IpFamily family = IpFamily.V4, string table = "filter")
    {
        var result = Read(ruleLine, family, table);
        Assert.Equal([warning], result.Diagnostics.Select(d => d.Render()));
        Assert.True(result.Succeeded);
        var rule = Assert.Single(result.Value!.Rules);
        Assert.Equal(canonical, IptablesSaveWriter.FormatRule(rule));
        return rule;
    }

    /// <summary>The first error is at line 4, <paramref name="column"/>, and the rule is not in the model.</summary>
    public static void FailsAt(string ruleLine, int column, IpFamily family = IpFamily.V4, string table = "filter")
    {
        var result = Read(ruleLine, family, table);
        var error = Assert.Single(result.Errors);
        Assert.Equal((4, column), (error.Span.Line, error.Span.Column));
        Assert.Empty(result.Value!.Rules);
    }

    /// <summary>The only error, rendered whole (<c>t:4:COL: error: ... [DFWnnn]</c>).</summary>
    public static void FailsWithMessage(string ruleLine, string message, IpFamily family = IpFamily.V4, string table = "filter")
    {
        var result = Read(ruleLine, family, table);
        Assert.Equal([message], result.Errors.Select(d => d.Render()));
    }
}
