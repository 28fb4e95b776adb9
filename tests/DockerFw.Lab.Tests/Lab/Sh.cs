using System.Diagnostics;

namespace DockerFw.Lab.Tests.Lab;

/// <summary>What a finished program left behind.</summary>
public sealed record ShResult(int ExitCode, string Out, string Error)
{
    public bool Ok => ExitCode == 0;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs programs with a time limit; every lab step goes through here, so none can hang the run.</summary>
public static class Sh
{
    public static ShResult Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new ShResult(-1, stdout.Result, $"{program} {string.Join(' ', arguments)}: killed after {limit.TotalSeconds:0} s\n{stderr.Result}");
        }

        return new ShResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and insists on success: lab set-up that fails is a broken lab, not a finding.</summary>
    public static string Must(string program, params string[] arguments)
    {
        var result = Run(program, arguments);
        if (!result.Ok) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {result}");
        return result.Out;
    }
}
