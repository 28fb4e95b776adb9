using System.CommandLine;
using DockerFw.Cli.Capture;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw capture [--netns NAME] [--docker-host URI] OUT`: saves everything any command reads live
/// into a bundle (a directory, or a .tar.gz), which <c>--bundle</c> then reads in its place
/// (docs/capture.md).
/// </summary>
internal sealed class CaptureCommand(
    IHostCommandRunner runner,
    IPrivilege privilege,
    DockerEnvironment environment,
    StandardStreams streams,
    IDockerEngineConnector? engines = null,
    TimeProvider? clock = null) : ICliCommand
{
    public Command Create()
    {
        var output = new Argument<string>("OUT") { Description = "The bundle to write: a new directory, or a file ending in .tar.gz" };
        var netns = InputOptionSet.CreateNetnsOption();
        var dockerHost = new InputOptionSet().DockerHost;
        var command = new Command("capture", "Save everything dockerfw reads from this host (rules, Docker, routes, settings) in a bundle for --bundle")
        {
            output, netns, dockerHost,
        };
        command.SetAction(parsed => Run(parsed.GetValue(output)!, InputOptions.Live with { Netns = parsed.GetValue(netns), DockerHost = parsed.GetValue(dockerHost) }));
        return command;
    }

    private int Run(string output, InputOptions input)
    {
        var problems = input.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var captured = new HostCapture(runner, privilege, environment, engines ?? SocketEngineConnector.Instance, clock ?? TimeProvider.System).Take(input);
        foreach (var notice in captured.Notices) streams.Error.WriteLine($"dockerfw: note: {notice}");
        BundleWriter.Write(output, captured.Manifest, captured.Files, DateTimeOffset.Parse(captured.Manifest.Time, System.Globalization.CultureInfo.InvariantCulture));
        var bytes = captured.Files.Values.Sum(f => (long)f.LongLength);
        streams.Out.WriteLine($"dockerfw: captured {captured.Files.Count} files ({bytes} bytes) of {captured.Manifest.Host}{(input.Netns is { } ns ? $" (namespace {ns})" : "")} into {output}");
        return ExitCodes.Ok;
    }
}
