namespace DockerFw.Cli;

internal static class Program
{
    // The only place that knows about the real console.
    public static int Main(string[] args) => DockerFwApp.Run(args, StandardStreams.FromConsole());
}
