namespace DockerFw.Core.Audit;

/// <summary>
/// One family of findings (isolation, icc, masquerade, link, published-port, container, host, policy). Checks
/// are the audit's extension point: each gets the same prepared context and asks it, never the rule text.
/// </summary>
public interface IAuditCheck
{
    /// <summary>The <c>check</c> name findings carry: isolation, icc, masquerade, link, published-port, container, host, policy.</summary>
    string Name { get; }

    IEnumerable<Finding> Run(AuditContext context);
}
