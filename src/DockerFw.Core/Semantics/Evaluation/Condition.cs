namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// One compiled condition of a rule. It answers with its negation already applied, because some
/// kernel matches do not simply invert (physdev without a port, connmark without a connection).
/// </summary>
internal abstract class Condition
{
    public abstract Truth Test(Branch packet, EvaluationContext context);

    /// <summary>Why the answer can be "maybe"; shown with the doubt.</summary>
    public virtual string Doubt => "cannot be decided from the dump";

    /// <summary>Why the answer can be "maybe" on this host (what the context knows may say why more exactly).</summary>
    public virtual string DoubtIn(EvaluationContext context) => Doubt;
}

/// <summary>A condition whose answer does not depend on the packet: comments, undecidable modules.</summary>
internal sealed class ConstantCondition(Truth truth, string doubt) : Condition
{
    public override Truth Test(Branch packet, EvaluationContext context) => truth;

    public override string Doubt => doubt;
}
