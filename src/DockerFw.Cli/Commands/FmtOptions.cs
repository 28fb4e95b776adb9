using System.Collections.Immutable;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw fmt`, folded from the command line. <see cref="File"/> null: the live firewall.</summary>
internal sealed record FmtOptions(string? File, IpFamily? Family, bool Strict, bool Counters, string? Netns)
{
    /// <summary>Usage errors, empty when the combination makes sense. Checked before any work.</summary>
    public ImmutableArray<string> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<string>();
        if (File is not null && Netns is not null)
            errors.Add("fmt reads either FILE or the live namespace given by --netns, not both");
        if (File is null && Family is not null)
            errors.Add("--family applies to a FILE; live mode reads both families");
        return errors.ToImmutable();
    }
}
