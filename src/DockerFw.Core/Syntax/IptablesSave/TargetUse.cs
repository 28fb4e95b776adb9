using System.Collections.Immutable;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>One option given to a target, with its arguments.</summary>
internal readonly record struct TargetArg(Token Option, Token[] Args)
{
    public string Name => Option.Text;

    public TargetOption ToModel() => new(Option.Text, [.. Args.Select(a => a.Text)]);
}

/// <summary>A target named after <c>-j</c> and the options that followed it.</summary>
internal sealed record TargetUse(Token Name, List<TargetArg> Options, RuleContext Context)
{
    public TargetArg? Single(string option, string? alias = null)
    {
        TargetArg? found = null;
        foreach (var o in Options)
        {
            if (o.Name != option && o.Name != alias) continue;
            if (found is not null)
            {
                Context.Report(Messages.OptionTwice(Context.At(o.Option), option));
                return null;
            }

            found = o;
        }

        return found;
    }

    public bool Has(string option) => Options.Any(o => o.Name == option);

    /// <summary>Flag options in the order save prints them, whatever order they were written in.</summary>
    public ImmutableArray<string> Flags(params string[] saveOrder) => [.. saveOrder.Where(Has)];
}

/// <summary>Builds a typed target from its options, or reports why not and returns null.</summary>
internal delegate Target? TargetBuilder(TargetUse use);
