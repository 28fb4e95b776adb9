using DockerFw.Core.Host;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Input;

/// <summary>What loading a host has to say, on stderr, for the commands whose output has no place for notices (all but audit).</summary>
internal static class LoadedHostReport
{
    /// <summary>Writes the diagnostics, then the notices as <c>dockerfw: note:</c> lines; true when the host can be used.</summary>
    public static bool Write(LoadedHost host, TextWriter error)
    {
        foreach (var diagnostic in host.Diagnostics) error.WriteLine(diagnostic.Render());
        foreach (var notice in host.Notices) error.WriteLine($"dockerfw: note: {notice}");
        return host.Succeeded;
    }

    /// <summary>
    /// The doubts of Docker's view (<see cref="LoadedHost.ViewDoubts"/>) as <c>dockerfw: note:</c> lines,
    /// for a command whose answer rests on the view and whose output has no place for notices (plan, apply).
    /// </summary>
    public static void WriteViewDoubts(LoadedHost host, TextWriter error)
    {
        foreach (var doubt in host.ViewDoubts) error.WriteLine($"dockerfw: note: {doubt}");
    }

    /// <summary>The host's rules of <paramref name="family"/>; null, said on stderr, when no input gave any for <paramref name="what"/>.</summary>
    public static Ruleset? RulesOf(LoadedHost host, IpFamily family, string what, TextWriter error)
    {
        if (host.Of(family) is { } ruleset) return ruleset;
        error.WriteLine($"dockerfw: error: no {(family == IpFamily.V4 ? "IPv4 (--iptables or --nft)" : "IPv6 (--ip6tables or --nft)")} rules were read for {what}");
        return null;
    }
}
