using DockerFw.Core.Policy;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>
/// A policy file read for `audit --policy`, `plan`, `apply` and `enforce` alike: bounded like every
/// input, parsed, its compiler-style diagnostics written to stderr.
/// </summary>
internal static class PolicyFile
{
    /// <summary>The parsed policy, or null when the file cannot be read or has an error (said on <paramref name="error"/>).</summary>
    public static PolicyDocument? Read(string file, TextWriter error)
    {
        string text;
        try
        {
            text = BoundedRead.Text(file, InputLimits.Policy, "a policy");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"dockerfw: error: cannot read {file}: {e.Message}");
            return null;
        }

        var document = PolicyReader.Read(text, file);
        return Report(document.Diagnostics, error) ? document.Value : null;
    }

    /// <summary>Writes every diagnostic; true when none is an error.</summary>
    public static bool Report(IEnumerable<Diagnostic> diagnostics, TextWriter error)
    {
        var ok = true;
        foreach (var diagnostic in diagnostics)
        {
            error.WriteLine(diagnostic.Render());
            ok &= !diagnostic.IsError;
        }

        return ok;
    }
}
