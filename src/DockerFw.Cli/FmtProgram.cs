using DockerFw.Cli.Composition;

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
/// parse, answer and fail alike: FmtProgramTests compares the two compositions, PublishTests the published
/// executables with the tree's program, byte for byte (docs/performance.md, "Reader on every shape").
/// </remarks>
internal static class FmtProgram
{
    public static int Main(string[] args)
    {
        if (args is ["fmt", ..]) Input.HugePages.AdviseHeap();
        return DockerFwApp.Run((services, streams) => services.AddDockerFwFmt(streams), args, StandardStreams.FromConsole());
    }
}
