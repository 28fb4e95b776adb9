using System.Collections.Immutable;

namespace DockerFw.Cli.Capture;

/// <summary>
/// What a bundle holds and how it was taken: the index that answers each command line and Engine
/// request from a file, and each file's SHA-256 (docs/capture.md describes the format).
/// </summary>
/// <param name="Host">The host name of the machine that captured it.</param>
/// <param name="Time">When, in UTC, ISO 8601.</param>
/// <param name="Tool">The dockerfw that captured it (<c>dockerfw 0.1.0</c>).</param>
/// <param name="Netns">The namespace captured (<c>--netns</c>), null for the host itself.</param>
/// <param name="DockerHostOption"><c>--docker-host</c> as given, null without it.</param>
/// <param name="DockerHostVariable">DOCKER_HOST as the capture saw it, so the replay picks the same socket.</param>
internal sealed record BundleManifest(
    int Schema,
    string Host,
    string Time,
    string Tool,
    string? Netns,
    string? DockerHostOption,
    string? DockerHostVariable,
    ImmutableSortedDictionary<string, bool> Installed,
    ImmutableArray<CapturedCommand> Commands,
    ImmutableSortedDictionary<string, bool> EngineSockets,
    ImmutableArray<CapturedRequest> Requests,
    ImmutableSortedDictionary<string, string> Files)
{
    /// <summary>The version of this format; a reader refuses others rather than guess.</summary>
    public const int CurrentSchema = 1;

    public const string FileName = "manifest.json";
}

/// <summary>One program run: its command line (program first), exit code and the files of its output.</summary>
/// <param name="Stderr">Null when it printed nothing there.</param>
internal sealed record CapturedCommand(ImmutableArray<string> Command, int ExitCode, string Stdout, string? Stderr);

/// <summary>One <c>GET path</c> to the Engine: the file of its answer, or how it failed.</summary>
internal sealed record CapturedRequest(string Path, string? File, string? Failure, string? Message);
