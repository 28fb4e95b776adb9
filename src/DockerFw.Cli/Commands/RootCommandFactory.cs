using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;

namespace DockerFw.Cli.Commands;

/// <summary>Assembles `dockerfw` from the registered <see cref="ICliCommand"/>s.</summary>
/// <remarks>
/// A run that names a command (`dockerfw fmt ...`) gets a root with that command alone: the others,
/// their options and the services behind them (workflows, formatters) are never built. Nothing the
/// run can parse changes, as the tokens after a command's name are matched against that command's
/// own options and arguments (and the root's recursive help) only. In the native build building
/// every command and resolving its services was a fifth of the start-up of `fmt` of a small dump
/// (docs/performance.md, "Start-up").
/// </remarks>
/// <param name="command">The command registered under a name (the container's keyed <see cref="ICliCommand"/>, or fmt alone in <see cref="FmtProgram"/>).</param>
internal sealed class RootCommandFactory(Func<string, ICliCommand> command, IEnumerable<CliCommandName> names, StandardStreams streams)
{
    public const string Description =
        "dockerfw audits and manages the firewall (iptables/nftables) of Docker hosts.";

    public const string Name = "dockerfw";

    /// <remarks>
    /// A plain command named dockerfw rather than <see cref="RootCommand"/>, whose name is the
    /// process's (dotnet, testhost) and whose version is the entry assembly's.
    /// </remarks>
    /// <param name="args">The command line the root is for: the command its first word names is the only one built.</param>
    public Command Create(IReadOnlyList<string>? args = null)
    {
        var root = new Command(Name, Description);
        if (args is null || !NamesACommand(args) || MayAskForHelpOrVersion(args))
        {
            root.Options.Add(new HelpOption());
            root.Options.Add(new VersionOption { Action = new PrintVersion(streams.Out) });
        }

        var all = names.Select(n => n.Name).ToList();
        var built = args is [var first, ..] && all.Contains(first, StringComparer.Ordinal) ? [first] : all;
        foreach (var name in built.Order(StringComparer.Ordinal))
            root.Subcommands.Add(command(name).Create());

        AddExitCodesToHelp(root);
        return root;
    }

    private bool NamesACommand(IReadOnlyList<string> args) =>
        args is [var first, ..] && names.Any(n => n.Name == first);

    /// <summary>
    /// Whether a word of the command line is one of the help option's or the version option's names, or
    /// a response file (@FILE) that could hold one. Without such a word neither option can take part in
    /// the parse: a command's tokens are matched against its own options and the root's recursive help
    /// only, and no usage error names them. The help option's constructor reads its description from
    /// System.CommandLine's resources, whose first read loads the resource reader and reflects over the
    /// assembly: 2-4% of the CPU and 25 of the 420 page faults of `fmt` of a small dump in the native
    /// build (docs/performance.md, "Reader on every shape").
    /// </summary>
    private static bool MayAskForHelpOrVersion(IReadOnlyList<string> args)
    {
        foreach (var arg in args)
        {
            if (arg is "-h" or "/h" or "--help" or "-?" or "/?" or "--version" || arg.StartsWith('@')) return true;
        }

        return false;
    }

    public static string Version =>
        typeof(RootCommandFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RootCommandFactory).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    // Help is a recursive option on the root: one replaced action covers every subcommand's --help.
    private static void AddExitCodesToHelp(Command root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is { } standard)
                help.Action = new HelpWithExitCodes(standard);
        }
    }

    private sealed class PrintVersion(TextWriter output) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            output.WriteLine($"dockerfw {Version}");
            return ExitCodes.Ok;
        }
    }

    private sealed class HelpWithExitCodes(CommandLineAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (standard is SynchronousCommandLineAction help)
                help.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(ExitCodes.HelpText);
            return ExitCodes.Ok;
        }
    }
}
