namespace DockerFw.Cli;

internal static class Program
{
    // The only place that knows about the real console (and the process environment).
    public static int Main(string[] args) =>
        Plugin.DockerCliPlugin.IsInvocation(args, Environment.ProcessPath, Environment.GetEnvironmentVariable)
            ? Plugin.DockerCliPlugin.Run(args, StandardStreams.FromConsole(), Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable)
            : DockerFwApp.Run(args, StandardStreams.FromConsole());
}
