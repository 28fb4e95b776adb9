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
        var every = new Option<string?>("--every")
        {
            Description = "Capture again at this interval (90, 15m, 1h, 1d), each time writing OUT.tar.gz anew: beside it, then renamed over it",
            HelpName = "INTERVAL",
        };
        var rounds = new Option<int?>("--rounds") { Description = "With --every: stop after this many captures (default: until stopped)", HelpName = "N" };
        var command = new Command("capture", "Save everything dockerfw reads from this host (rules, Docker, routes, settings) in a bundle for --bundle")
        {
            output, netns, dockerHost, every, rounds,
        };
        command.SetAction(parsed => Run(parsed.GetValue(output)!, InputOptions.Live with { Netns = parsed.GetValue(netns), DockerHost = parsed.GetValue(dockerHost) },
            parsed.GetValue(every), parsed.GetValue(rounds)));
        return command;
    }

    private int Run(string output, InputOptions input, string? every, int? rounds)
    {
        var problems = input.Validate().ToBuilder();
        var interval = every is null ? null : CaptureRounds.Parse(every);
        if (every is not null && interval is null) problems.Add($"--every '{every}' is no interval: give seconds, or a number with s, m, h or d (e.g. 1h)");
        if (every is not null && !Bundle.IsArchive(output)) problems.Add("--every replaces OUT at each round, which only a file can be atomically: name a .tar.gz");
        if (rounds is not null && (every is null || rounds < 1)) problems.Add("--rounds N (1 or more) goes with --every");
        if (problems.Count > 0) return Usage.Fail(streams.Error, problems.ToImmutable());
        if (interval is { } period)
            return new CaptureRounds(period, rounds, clock ?? TimeProvider.System, streams.Error).Run(output, next => Once(next, input)) == 0 ? ExitCodes.Ok : ExitCodes.Error;
        Once(output, input);
        return ExitCodes.Ok;
    }

    private void Once(string output, InputOptions input)
    {
        var captured = new HostCapture(runner, privilege, environment, engines ?? SocketEngineConnector.Instance, clock ?? TimeProvider.System).Take(input);
        foreach (var notice in captured.Notices) streams.Error.WriteLine($"dockerfw: note: {notice}");
        BundleWriter.Write(output, captured.Manifest, captured.Files, DateTimeOffset.Parse(captured.Manifest.Time, System.Globalization.CultureInfo.InvariantCulture));
        var bytes = captured.Files.Values.Sum(f => (long)f.LongLength);
        streams.Out.WriteLine($"dockerfw: captured {captured.Files.Count} files ({bytes} bytes) of {captured.Manifest.Host}{(input.Netns is { } ns ? $" (namespace {ns})" : "")} into {output}");
        streams.Out.Flush();
    }
}
