using System.Globalization;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Capture;

/// <summary>
/// <c>audit --save-inputs DIR</c>: the live host is captured into a bundle first and then judged from
/// it, so the host is read once, the report is the live one (a bundle answers exactly as the host did:
/// docs/capture.md), and SARIF locates every result in the rules saved beside it.
/// </summary>
internal sealed class InputSaver(
    IHostCommandRunner runner,
    IPrivilege privilege,
    DockerEnvironment environment,
    IDockerEngineConnector? engines = null,
    TimeProvider? clock = null)
{
    /// <summary>Writes the bundle (a new directory, or a .tar.gz) and returns the inputs that read it back.</summary>
    public InputOptions Save(InputOptions live, string output)
    {
        var captured = new HostCapture(runner, privilege, environment, engines ?? SocketEngineConnector.Instance, clock ?? TimeProvider.System).Take(live);
        BundleWriter.Write(output, captured.Manifest, captured.Files, DateTimeOffset.Parse(captured.Manifest.Time, CultureInfo.InvariantCulture));
        return InputOptions.Live with { Bundle = output };
    }
}
