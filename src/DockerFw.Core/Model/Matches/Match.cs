namespace DockerFw.Core.Model.Matches;

/// <summary>
/// One condition of a rule: a core option (<c>-s -d -i -o -p -f</c>) or one option of a loaded match
/// module. Every condition can be negated with a preceding <c>!</c>.
/// </summary>
public abstract record Match(bool Negated)
{
    /// <summary>The iptables option that writes this condition, e.g. <c>--dport</c>.</summary>
    public abstract string Option { get; }
}
