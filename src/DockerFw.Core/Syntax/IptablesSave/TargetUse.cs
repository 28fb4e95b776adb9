using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    public bool Has(string option)
    {
        foreach (var o in Options)
            if (o.Name == option) return true;
        return false;
    }

    /// <summary>Flag options in the order save prints them, whatever order they were written in.</summary>
    /// <remarks>Loops, not LINQ: two delegates per NAT or LOG target were a tenth of what kube-proxy's read allocated.</remarks>
    public ImmutableArray<string> Flags(params string[] saveOrder)
    {
        var count = 0;
        foreach (var flag in saveOrder)
            if (Has(flag)) count++;
        if (count == 0) return [];
        var flags = new string[count];
        count = 0;
        foreach (var flag in saveOrder)
            if (Has(flag)) flags[count++] = flag;
        return ImmutableCollectionsMarshal.AsImmutableArray(flags);
    }
}

/// <summary>Builds a typed target from its options, or reports why not and returns null.</summary>
internal delegate Target? TargetBuilder(TargetUse use);
