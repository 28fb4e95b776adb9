using System.Collections.Immutable;
using DockerFw.Cli.Input;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw apply`, folded from the command line.</summary>
/// <param name="PolicyFile">The policy to apply; null with <paramref name="Remove"/>.</param>
/// <param name="Remove"><c>--remove</c>: take dockerfw's chain and its jumps away instead.</param>
/// <param name="Yes"><c>--yes</c>: apply without showing the plan and asking.</param>
/// <param name="ConfirmTimeout">Roll back unless a line is typed within this many seconds; null: no confirmation.</param>
internal sealed record ApplyOptions(InputOptions Input, string? PolicyFile, bool Remove, bool Yes, int? ConfirmTimeout, string BackupDirectory)
{
    /// <summary>Usage errors, empty when the combination makes sense. Checked before any work.</summary>
    public ImmutableArray<string> Validate()
    {
        var problems = Input.Validate();
        if ((PolicyFile is null) == !Remove) problems = problems.Add("give either --policy FILE or --remove");
        if (ConfirmTimeout is <= 0) problems = problems.Add("--confirm-timeout must be a positive number of seconds");
        return problems;
    }
}
