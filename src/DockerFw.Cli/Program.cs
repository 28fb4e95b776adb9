namespace DockerFw.Cli;

internal static class Program
{
    // The only place that knows about the real console (and the process environment).
    public static int Main(string[] args)
    {
        // fmt of a small dump is mostly start-up, and a fresh 4 KB page costs 12-25 us on a virtual machine:
        // the heap's first blocks become huge pages before the container and the command tree allocate
        // in them, not only before the dump is read (docs/performance.md, "Reader on every shape").
        if (args is ["fmt", .. var words]) Input.HugePages.AdviseHeap(Input.HugePages.CollapsePays(words));
        return Plugin.DockerCliPlugin.IsInvocation(args, Environment.ProcessPath, Environment.GetEnvironmentVariable)
            ? Plugin.DockerCliPlugin.Run(args, StandardStreams.FromConsole(), Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable)
            : DockerFwApp.Run(args, StandardStreams.FromConsole());
    }
}
