using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The checks libxtables makes of every guided extension before the kernel sees the rule, from the
/// extension's own option table (<see cref="XtablesOptions"/>): an option it does not declare, an option
/// given twice that may not repeat, one excluded by another, one that needs another, a mandatory one
/// missing, a kept value its type refuses; and the final checks of a few extensions' own (x6_fcheck).
/// </summary>
internal sealed partial class RuleBinder
{
    private static readonly MatchBinder KeepBinder = MatchBinders.Keep;

    /// <summary>A kept option's value, read as its type reads it; false after reporting a value restore refuses.</summary>
    private bool KeptValueReads(Block block, OptionSpec spec, XtOption? declared, Token[] args)
    {
        if (declared is null || args.Length != 1 || spec.Bind != KeepBinder) return true;
        if (ValueProblem(block.Module, declared, args[0].Text) is not { } expected) return true;
        context.Report(Messages.BadValue(context.At(args[0]), expected, args[0].Text));
        return false;
    }

    /// <summary>The last value read by its type, and what was wrong with it (null: nothing).</summary>
    private (string Owner, XtOption? Option, IpFamily Family, string Text, string? Problem) lastValue;

    /// <summary>
    /// <see cref="XtablesValues.Problem"/>, answered again without reading when the value is the last one's: a dump gives
    /// the same <c>--reject-with</c> or log prefix on line after line, and its reading was a tenth of binding such a rule.
    /// </summary>
    private string? ValueProblem(string owner, XtOption option, string text)
    {
        var family = context.Family;
        if (ReferenceEquals(lastValue.Option, option) && lastValue.Family == family && lastValue.Owner == owner && lastValue.Text == text)
            return lastValue.Problem;
        var problem = XtablesValues.Problem(owner, option, text, family);
        lastValue = (owner, option, family, text, problem);
        return problem;
    }

    /// <summary>At the end of the rule: each match's mandatory options, exclusions and companions, then its own final check.</summary>
    private void CheckMatchOptionTables()
    {
        foreach (var block in blocks)
        {
            if (block.Declared is { } declared) CheckGiven(declared, block.Given, block.At, block.Module, target: false);
            if (!context.Failed) MatchFinalCheck(block);
            if (context.Failed) return;
        }
    }

    /// <summary>A target's options against its table: repeats, then what <see cref="CheckGiven"/> checks.</summary>
    private void CheckTargetOptionTable(Token name, bool values)
    {
        if (TargetTable(name.Text) is not { } declared) return;
        var given = targetGiven;
        given.Clear();
        foreach (var arg in targetArgs)
        {
            if (XtablesOptions.Option(declared, arg.Name) is not { } option)
            {
                context.Report(Messages.UnknownOption(context.At(arg.Option), arg.Name, $"target '{name.Text}'", declared.Select(o => o.Name)));
                return;
            }

            if (given.Contains(arg.Name) && !option.Multi)
            {
                context.Report(Messages.OptionTwice(context.At(arg.Option), arg.Name));
                return;
            }

            given.Add(arg.Name);
            if ((values || option.Type == XtType.String) && arg.Args.Length == 1 && ValueProblem(name.Text, option, arg.Args[0].Text) is { } expected)
            {
                context.Report(Messages.BadValue(context.At(arg.Args[0]), expected, arg.Args[0].Text));
                return;
            }
        }

        CheckGiven(declared, given, name, name.Text, target: true);
    }

    /// <summary>The target's options given, by name: reused from rule to rule.</summary>
    private readonly List<string> targetGiven = [];

    /// <summary>
    /// xtables_options_fcheck and the exclusions of xtables_option_parse, over the options given (by name, in order):
    /// an exclusion is reported at the later option (a target's option at its token, a match's at its <c>-m</c>), a
    /// missing option at the owner. Nothing is formatted or captured unless a problem is reported.
    /// </summary>
    private void CheckGiven(ImmutableArray<XtOption> declared, List<string> given, Token owner, string extension, bool target)
    {
        // Exclusions first: restore finds them while it parses, the rest in its final check.
        for (var i = 0; i < given.Count; i++)
        {
            if (XtablesOptions.Option(declared, given[i]) is not { } option) continue;
            for (var j = 0; j < i; j++)
            {
                var earlier = XtablesOptions.Option(declared, given[j]);
                if (given[j] == given[i] || !(option.Excludes.Contains(given[j]) || earlier?.Excludes.Contains(given[i]) == true)) continue;
                context.Report(Messages.BadValue(context.At(At(given[i])), $"{given[i]} without {given[j]} in one {What()} (one excludes the other)", given[i]));
                return;
            }
        }

        foreach (var name in given)
        {
            foreach (var needed in XtablesOptions.Option(declared, name)?.Also ?? [])
            {
                if (given.Contains(needed)) continue;
                context.Report(Messages.BadValue(context.At(At(name)), $"{needed} with {name} in one {What()} (it needs it)", name));
                return;
            }
        }

        foreach (var option in declared)
        {
            if (!option.Mandatory || given.Contains(option.Name)) continue;
            context.Report(Messages.BadValue(context.At(owner), $"{option.Name} after {What()} (mandatory)", owner.Text));
            return;
        }

        string What() => $"{(target ? "-j" : "-m")} {extension}";

        Token At(string option)
        {
            if (target)
                foreach (var arg in targetArgs)
                    if (arg.Name == option) return arg.Option;
            return owner;
        }
    }
}
