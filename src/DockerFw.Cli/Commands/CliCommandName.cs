namespace DockerFw.Cli.Commands;

/// <summary>
/// The name a registered <see cref="ICliCommand"/> is typed as and its key in the container, so that the
/// root can build one command without building the others (<see cref="RootCommandFactory"/>).
/// </summary>
internal sealed record CliCommandName(string Name);
