using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>A rule ready to be tested: its conditions in kernel order and its action.</summary>
internal sealed class CompiledRule(string table, Rule rule, Condition[] conditions, RuleAction action)
{
    private RuleRef? _ref;

    public Rule Rule { get; } = rule;

    // Formatted on first use: a trace names a handful of rules, a load would format all of them.
    public RuleRef Ref => _ref ??= RuleRef.Of(table, Rule);

    public RuleAction Action { get; } = action;

    /// <summary>All conditions must hold; one false ends the test, as the kernel stops at the first failing match.</summary>
    public Truth Test(Branch packet, EvaluationContext context)
    {
        var result = Truth.True;
        foreach (var condition in conditions)
        {
            var t = condition.Test(packet, context);
            if (t == Truth.False) return Truth.False;
            if (t == Truth.Maybe) result = Truth.Maybe;
        }

        return result;
    }

    /// <summary>Why <see cref="Test"/> said "maybe": the doubts of the conditions that did.</summary>
    public string DoubtFor(Branch packet, EvaluationContext context) =>
        string.Join("; ", conditions.Where(c => c.Test(packet, context) == Truth.Maybe).Select(c => c.DoubtIn(context)).Distinct());
}
