using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Support;

/// <summary>A fact that needs a program (and, for python3, a module): skipped, saying which, where it is missing.</summary>
public sealed class NeedsProgramFactAttribute : FactAttribute
{
    public NeedsProgramFactAttribute(string program, string package, string? python = null)
    {
        var found = Environment.GetEnvironmentVariable("PATH")!.Split(':').Concat(["/usr/sbin", "/sbin"])
            .Any(d => File.Exists(Path.Combine(d, program)));
        if (found && python is not null) found = Processes.Run(program, ["-c", python]).Ok;

        if (!found) Skip = $"SKIPPED: needs {program} (Debian: {package})";
    }
}
