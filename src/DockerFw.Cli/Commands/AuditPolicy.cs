using DockerFw.Cli.Input;
using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;
using DockerFw.Core.Policy;

namespace DockerFw.Cli.Commands;

/// <summary>
/// <c>audit --policy FILE</c>: the policy read and resolved through the Docker view the audit itself
/// uses (the Engine's, or the one inferred from the rules), so a name means the same thing to the
/// policy findings as to every other finding. A bad policy is the user's input error: its
/// compiler-style diagnostics go to stderr and the audit does not run.
/// </summary>
internal static class AuditPolicy
{
    /// <summary>The context with the policy, or null when the file cannot be read or does not resolve.</summary>
    public static AuditContext? With(AuditContext context, string file, TextWriter error)
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
        if (!Report(document.Diagnostics, error) || document.Value is null) return null;
        var resolved = PolicyResolver.Resolve(document.Value, new AuditInputs(context).View);
        if (!Report(resolved.Diagnostics, error) || resolved.Value is null) return null;
        return context with { Policy = resolved.Value };
    }

    private static bool Report(IEnumerable<Core.Text.Diagnostic> diagnostics, TextWriter error)
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
