using DockerFw.Core.Host;

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
}
