using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>
/// <c>--bundle</c>: the live reader itself, fed by a bundle instead of the host. It asks the same
/// questions in the same namespace of the same Engine address, and the bundle answers each with what
/// the host answered at capture time, so a command on a bundle gives exactly its live answer.
/// </summary>
internal static class BundleReplay
{
    public static LiveHost Read(Bundle bundle)
    {
        var runner = new ReplayCommandRunner(bundle);
        var manifest = bundle.Manifest;
        var reader = new LiveHostReader(runner, new LiveFirewallReader(runner), CapturedAsRoot.Instance, new DockerEnvironment(manifest.DockerHostVariable), new ReplayEngineConnector(bundle));
        return reader.Read(InputOptions.Live with { Netns = manifest.Netns, DockerHost = manifest.DockerHostOption }, readEngine: true)
            with { Machine = LiveHost.NameOf(manifest.Host, manifest.Netns) };
    }

    // A capture runs as root (live mode refuses otherwise); reading its bundle needs no privilege.
    private sealed class CapturedAsRoot : IPrivilege
    {
        public static CapturedAsRoot Instance { get; } = new();

        public bool IsRoot => true;
    }
}
