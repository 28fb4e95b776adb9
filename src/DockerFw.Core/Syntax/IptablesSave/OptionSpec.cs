using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>One use of a match option on a rule line: the option token, its arguments, its <c>!</c>.</summary>
internal readonly record struct OptionUse(string Module, string Name, Token Option, Token[] Args, bool Negated, RuleContext Context)
{
    public Token Arg => Args[0];

    public ImmutableArray<string> ArgTexts => [.. Args.Select(a => a.Text)];
}

/// <summary>Turns one option use into a condition, or reports why not and returns null.</summary>
internal delegate Match? MatchBinder(OptionUse use);

/// <summary>
/// An option of a match module or target: its name, how many arguments it takes (0, 1 or 2, whatever
/// they look like), whether it can carry <c>!</c>, and (for matches) how it becomes a condition.
/// <see cref="Canonical"/> is the name save prints when this spec is a long alias.
/// </summary>
internal sealed record OptionSpec(string Name, int Arity, bool Invertible = true, MatchBinder? Bind = null, string? Canonical = null)
{
    public string SaveName => Canonical ?? Name;
}

/// <summary>
/// A named set of options: a match module or an extension target. Each table lists every option the
/// real extension has, so an unknown one is an error, as restore's getopt makes it ("unknown option").
/// </summary>
internal sealed class OptionTable
{
    // Searched in order, not hashed: a table has 1-20 options, and building a frozen dictionary for each of the
    // ~90 tables was the largest part of the reader's start (docs/performance.md, "Reader on every shape").
    private readonly OptionSpec[] options;

    public OptionTable(string name, IEnumerable<OptionSpec> options)
    {
        Name = name;
        this.options = [.. options];
        // A loop, not Where and Select: LINQ's chained iterators are resolved at their first call in the native build.
        var expected = ImmutableArray.CreateBuilder<string>(this.options.Length);
        foreach (var o in this.options)
            if (o.Canonical is null) expected.Add(o.Name);
        Expected = expected.ToImmutable();
    }

    public string Name { get; }

    /// <summary>The canonical option names, for "expected one of ..." messages.</summary>
    public ImmutableArray<string> Expected { get; }

    public OptionSpec? Find(string option)
    {
        foreach (var spec in options)
            if (spec.Name == option) return spec;
        return null;
    }

    /// <summary>Every option, aliases included.</summary>
    public IEnumerable<OptionSpec> All => options;
}
