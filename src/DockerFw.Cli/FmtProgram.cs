using DockerFw.Cli.Commands;
using DockerFw.Cli.Composition;
using DockerFw.Cli.Input;

namespace DockerFw.Cli;

/// <summary>
/// The entry of lib/dockerfw-fmt, the native build's second executable: the same program with `fmt` as its only
/// command (scripts/publish.sh builds it with <c>-p:DockerFwEntry=fmt</c>). The full executable
/// hands a run of `dockerfw fmt ...` over to it before its own runtime starts (Native/fmt_exec.c).
/// </summary>
/// <remarks>
/// fmt of a small dump is mostly the runtime's start, and that start is paid for every type compiled into
/// the executable: the full one hydrates 6.5 MB of type data at every start (35,000 method tables, most of them
/// the audit's, reach's, Spectre.Console's); this one has 7,800 and keeps them in the file (DockerFw.Cli.csproj).
/// A run naming fmt builds fmt alone in either executable (<see cref="Commands.RootCommandFactory"/>), so both
/// parse, answer and fail alike: FmtProgramTests compares this composition with the full one, PublishTests the published
/// executables with the tree's program, byte for byte (docs/performance.md, "Reader on every shape").
/// </remarks>
internal static class FmtProgram
{
    public static int Main(string[] args)
    {
        if (args is ["fmt", .. var words]) Input.HugePages.AdviseHeap(Input.HugePages.CollapsePays(words));
        var streams = StandardStreams.FromConsole();
        return DockerFwApp.Run(Compose(streams), args, streams);
    }

    /// <summary>
    /// fmt and what it is made of (<see cref="CliServiceCollectionExtensions.AddDockerFwFmt"/>'s services), built by
    /// hand: the container was 2% of `fmt` of a small dump, and without it none of its code is compiled into this
    /// executable (docs/performance.md, "Reader on every shape"). FmtProgramTests runs this composition against the
    /// full program's.
    /// </summary>
    internal static RootCommandFactory Compose(StandardStreams streams)
    {
        var fmt = new FmtCommand(new DumpLoader(streams, new LiveFirewallReader(new ProcessCommandRunner())), streams);
        return new RootCommandFactory(name => name == FmtName ? fmt : throw new InvalidOperationException($"no command {name}"),
            [new CliCommandName(FmtName)], streams);
    }

    private const string FmtName = "fmt";
}
