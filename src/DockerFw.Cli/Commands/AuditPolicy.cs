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
        if (PolicyFile.Read(file, error) is not { } document) return null;
        var resolved = PolicyResolver.Resolve(document, new AuditInputs(context).View);
        if (!PolicyFile.Report(resolved.Diagnostics, error) || resolved.Value is null) return null;
        return context with { Policy = resolved.Value };
    }
}
