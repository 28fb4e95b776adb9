using System.CommandLine;

namespace DockerFw.Cli.Commands;

/// <summary>
/// One `dockerfw` subcommand. Each is a class registered in the container
/// (<see cref="Composition.CliServiceCollectionExtensions"/>) under its name; the root command collects
/// them (only the one a run names, <see cref="RootCommandFactory"/>).
/// </summary>
internal interface ICliCommand
{
    /// <summary>Builds the System.CommandLine command, its options and its action.</summary>
    Command Create();
}
