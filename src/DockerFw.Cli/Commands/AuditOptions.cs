using System.Collections.Immutable;
using DockerFw.Cli.Input;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw audit`, folded from the command line.</summary>
/// <param name="Sysctls">The raw <c>--sysctl KEY=VALUE</c> values, checked by <see cref="Validate"/>.</param>
/// <param name="Output">Write the report to this file instead of stdout.</param>
/// <param name="FailOn">The least severity that makes the exit code 1; null (<c>--fail-on never</c>): none does.</param>
internal sealed record AuditOptions(
    InputOptions Input,
    ImmutableArray<string> Sysctls,
    string Format,
    string? Output,
    FindingSeverity? FailOn,
    bool Strict)
{
    /// <summary><c>--containers</c>: add the container-by-container matrix to the report.</summary>
    public bool Containers { get; init; }

    /// <summary><c>--policy FILE</c>: judge the host against this policy as well.</summary>
    public string? Policy { get; init; }

    /// <summary><c>--save-inputs DIR</c>: capture the live host into this bundle and judge it from there.</summary>
    public string? SaveInputs { get; init; }

    /// <summary>Usage errors, empty when the combination makes sense. Checked before any work.</summary>
    public ImmutableArray<string> Validate()
    {
        var errors = Input.Validate().ToBuilder();
        errors.AddRange(SysctlValues.Problems(Sysctls));
        if (Output is { Length: 0 })
            errors.Add("--output needs a file name");
        if (Policy is { Length: 0 })
            errors.Add("--policy needs a file name");
        if (SaveInputs is { Length: 0 })
            errors.Add("--save-inputs needs a directory (or a .tar.gz) to write");
        else if (SaveInputs is not null && (!Input.IsLive || Input.Bundle is not null || !Input.Docker.IsEmpty))
            errors.Add("--save-inputs saves what a live audit reads from the host and its Engine: it takes neither dump files, --docker files nor --bundle (those files are the inputs already)");
        return errors.ToImmutable();
    }

    /// <summary>The host settings given with --sysctl; a later value for the same key wins, as with sysctl -w.</summary>
    public HostSettings Host() => Host(HostSettings.Unknown);

    /// <summary>The settings read from the live host, with --sysctl values overriding them.</summary>
    public HostSettings Host(HostSettings read) => SysctlValues.Over(read, Sysctls);
}
