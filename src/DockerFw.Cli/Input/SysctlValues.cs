using System.CommandLine;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Input;

/// <summary>
/// <c>--sysctl KEY=VALUE</c>, spelt, checked and applied alike by every command that takes it (audit,
/// plan): a kernel setting no dump shows, over what the live host or a bundle read.
/// </summary>
internal static class SysctlValues
{
    public static Option<string[]> CreateOption() => new("--sysctl")
    {
        Description = "A kernel setting no dump shows, e.g. net.bridge.bridge-nf-call-iptables=1 (repeatable)",
        HelpName = "KEY=VALUE",
    };

    /// <summary>Usage errors of the values given, empty when each is KEY=INTEGER.</summary>
    public static IEnumerable<string> Problems(IEnumerable<string> values)
    {
        foreach (var sysctl in values)
        {
            if (Split(sysctl) is not var (key, value))
                yield return $"--sysctl '{sysctl}' is not KEY=VALUE (e.g. net.bridge.bridge-nf-call-iptables=1)";
            else if (HostSettings.IsOn(value) is null)
                yield return $"--sysctl '{key}={value}': expected an integer value (the kernel takes 0 as off and any other number as on)";
        }
    }

    /// <summary>The settings read, with the values given overriding them; a later value for the same key wins, as with sysctl -w.</summary>
    public static HostSettings Over(HostSettings read, IEnumerable<string> values) => values
        .Select(Split).OfType<(string Key, string Value)>()
        .Aggregate(read, (host, kv) => host.With(kv.Key, kv.Value));

    private static (string Key, string Value)? Split(string text)
    {
        var equals = text.IndexOf('=');
        if (equals <= 0 || text[..equals].Trim().Length == 0) return null;
        return (text[..equals].Trim(), text[(equals + 1)..].Trim());
    }
}
