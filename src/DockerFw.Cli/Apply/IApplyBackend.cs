namespace DockerFw.Cli.Apply;

/// <summary>
/// What one firewall backend (iptables, dockerfw's nft tables) does within an apply; the order, the
/// watchdog, the confirmation and the rollback on failure are <see cref="PolicyApplier"/>'s, the same
/// for both, so that the promise "nothing changed, or the change confirmed, or it undone" is kept once.
/// An instance serves one apply: <see cref="Prepare"/> records what the later steps need.
/// </summary>
internal interface IApplyBackend
{
    /// <summary>
    /// Reads the rules as they are and writes the backups, the undo input and the plan's input through
    /// <paramref name="files"/>; null when all is written, otherwise the whole error (nothing was applied).
    /// </summary>
    string? Prepare(ApplyFiles files);

    /// <summary>The commands (argv each) that undo the change, for the watchdog to run if dockerfw cannot.</summary>
    IEnumerable<string[]> UndoCommands();

    /// <summary>Loads the plan and reads the rules back; null when they are the plan's, otherwise why not.</summary>
    string? Load();

    /// <summary>Undoes the change, saying so (or why it could not) on the log, for the reason <paramref name="why"/>; whether it was undone.</summary>
    bool Undo(string why);
}
