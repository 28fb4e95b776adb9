using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Tests.Semantics;

/// <summary>Fixtures are iptables-save text, read by the real reader; a fixture it rejects is a broken test.</summary>
internal static class Dump
{
    public static Ruleset Read(string text, IpFamily family = IpFamily.V4)
    {
        var result = IptablesSaveReader.Read(text + "\n", "test.rules", family);
        Assert.True(result.Value is not null && !result.Errors.Any(), string.Join('\n', result.Errors.Select(e => e.Render())));
        return result.Value!;
    }
}
