using DockerFw.Core.Audit;
using DockerFw.Core.Docker;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Audit;

/// <summary>Runs audits over dump text, as the CLI would with no Docker data.</summary>
internal static class AuditFixture
{
    public static Ruleset Read(string text, string name = "fixture.iptables-save")
    {
        // A raw string literal drops the line feed a dump file ends with, which restore needs after COMMIT.
        var read = IptablesSaveReader.Read(text.EndsWith('\n') ? text : text + "\n", name);
        Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics));
        return read.Value!;
    }

    public static AuditContext Context(string dump, HostSettings? host = null, DockerView? view = null) =>
        new(Read(dump), Ruleset.Empty(IpFamily.V6), view ?? DockerView.Empty, host ?? HostSettings.Unknown);

    public static AuditReport Report(string dump, HostSettings? host = null, DockerView? view = null) => Auditor.Run(Context(dump, host, view));

    /// <summary>The codes one check raises on a dump, sorted.</summary>
    public static string[] Codes(IAuditCheck check, string dump, HostSettings? host = null, DockerView? view = null) =>
        [.. check.Run(Context(dump, host, view)).Select(f => f.Code.Code).Order(StringComparer.Ordinal)];

    public static HostSettings Sysctl(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).Aggregate(HostSettings.Unknown, (h, kv) => h.With(kv[0], kv[1]));
}
