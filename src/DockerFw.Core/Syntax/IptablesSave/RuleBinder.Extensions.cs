using System.Collections.Immutable;
using System.Runtime.InteropServices;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The extension half of the binder: options of <c>-m</c> modules and of targets, found by name in
/// their tables (the latest module first, then earlier ones, then the module <c>-p</c> loads
/// implicitly), and the target built from them.
/// </summary>
internal sealed partial class RuleBinder
{
    private void ExtensionOption(Token option)
    {
        if (targetName is { } target && !isGoto && !TargetCatalog.Verdicts.ContainsKey(target.Text))
        {
            if (targetSpec?.Options.Find(option.Text) is { } spec)
            {
                if (NotNegated(option) && Take(option, spec.Arity, false) is { } args) targetArgs.Add(new TargetArg(option, args));
                return;
            }

            if (targetSpec is null)
            {
                // An unknown extension target (or a chain given options, reported when the target is built).
                if (NotNegated(option)) targetArgs.Add(new TargetArg(option, TakeGuessed()));
                return;
            }
        }

        if (MatchOption(option)) return;
        // Only a name no table holds is looked at as getopt would: most lines never come here.
        if (option.Text.StartsWith("--", StringComparison.Ordinal) && LongOptionAgain(option)) return;
        if (targetSpec is not null && targetName is { } t)
            context.Report(Messages.UnknownOption(context.At(option), option.Text, $"target '{t.Text}'", targetSpec.Options.Expected));
        else if (blocks.Count > 0 && blocks[^1].Table is { } last)
            context.Report(Messages.UnknownOption(context.At(option), option.Text, $"module '{last.Name}'", last.Expected));
        else context.Report(Messages.UnknownCoreOption(context.At(option), option.Text));
    }

    private bool MatchOption(Token option)
    {
        var last = blocks.Count > 0 ? blocks[^1] : null;
        if (last is { Table: null })
        {
            last.Matches.Add(new OpaqueMatch(last.Module, option.Text, [.. TakeGuessed().Select(a => a.Text)], Negated()));
            return true;
        }

        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            if (blocks[i].Table?.Find(option.Text) is { } spec)
            {
                Bind(blocks[i], spec, option);
                return true;
            }
        }

        if (context.Protocol is { } protocol && !context.ProtocolNegated
            && MatchModules.ImplicitFor(protocol, context.Family) is { } implicitTable
            && implicitTable.Find(option.Text) is { } implicitSpec)
        {
            // ImplicitFor answers tables of MatchModules only, so the name resolves to its table and xtables' one.
            var block = NewBlock(implicitTable, implicitTable.Name, option, Module(implicitTable.Name).Declared);
            blocks.Add(block);
            Bind(block, implicitSpec, option);
            return true;
        }

        return false;
    }

    private void Bind(Block block, OptionSpec spec, Token option)
    {
        var declared = XtablesOptions.Option(block.Declared, option.Text);
        if (block.Declared is not null && declared is null)
        {
            context.Report(Messages.UnknownOption(context.At(option), option.Text, $"module '{block.Module}'", block.Declared.Value.Select(o => o.Name)));
            return;
        }

        if (!FirstTime(block, spec.SaveName, option)) return;
        var invertible = spec.Invertible && (declared?.Invertible ?? true);
        if (!invertible && !NotNegated(option)) return;
        if (TakeScratch(option, spec.Arity, invertible) is not { } args) return;
        if (!KeptValueReads(block, spec, declared, args)) return;
        var use = new OptionUse(block.Module, spec.SaveName, option, args, Negated(), context);
        if (spec.Bind!(use) is { } match) block.Matches.Add(match);
    }

    /// <summary>
    /// An option given twice in one match is refused, as xtables refuses it ("option \"--state\" can only
    /// be used once"); only policy's element options come again, once per element after --next.
    /// </summary>
    private bool FirstTime(Block block, string name, Token option)
    {
        if (block.Module == "policy" && name == "--next") block.Given.RemoveAll(PolicyElementOptions.Contains);
        if (!block.Given.Contains(name))
        {
            block.Given.Add(name);
            return true;
        }

        context.Report(Messages.OptionTwice(context.At(option), $"{name} in one -m {block.Module}"));
        return false;
    }

    private static readonly string[] PolicyElementOptions = ["--reqid", "--spi", "--proto", "--mode", "--tunnel-src", "--tunnel-dst", "--next"];

    // Records compare by value, so every -j ACCEPT can be the same immutable object.
    private static readonly VerdictTarget[] SharedVerdicts =
        [.. Enum.GetValues<Verdict>().Select(verdict => new VerdictTarget(verdict))];

    private Target? BuildTarget()
    {
        if (targetName is not { } name) return null;
        if (isGoto)
        {
            return TargetCatalog.IsKnown(name.Text)
                ? context.Bad<Target>(name, "a user chain after -g")
                : new JumpTarget(name.Text, IsGoto: true);
        }

        if (TargetCatalog.Verdicts.TryGetValue(name.Text, out var verdict))
        {
            // iptables itself refuses it, before the kernel sees the rule.
            if (verdict == Verdict.Drop && context.Table.Name == "nat") context.Report(Messages.DropInNat(context.At(name)));
            return SharedVerdicts[(int)verdict];
        }

        if (targetSpec is not null)
        {
            targetHooks = targetSpec.Hooks;
            if (targetSpec.Tables is { } tables && !tables.Contains(context.Table.Name))
                context.Report(Messages.TargetOutsideTable(context.At(name), name.Text, tables, context.Table.Name));
            CheckTargetOptionTable(name, targetSpec.ValuesKept);
            if (!context.Failed) TargetFinalCheck(name);
            if (context.Failed) return null;
            return targetSpec.Build(new TargetUse(name, targetArgs, context));
        }

        // Given no option, a name is a jump to a chain unless xtables has a target of that name and the
        // table declares no chain of it: restore loads `-j TCPOPTSTRIP` alone as the target.
        if (targetArgs.Count == 0 && (context.Table.HasChain(name.Text) || !XtablesExtensions.IsTarget(name.Text, context.Family)))
            return new JumpTarget(name.Text);
        if (context.Table.HasChain(name.Text))
        {
            context.Report(Messages.ChainTargetWithOptions(context.At(targetArgs[0].Option), name.Text, targetArgs[0].Name));
            return null;
        }

        if (!IsExtensionName(name.Text)) return context.Bad<Target>(name, "a target name (letters, digits, _ and -, at most 28)");
        if (!XtablesExtensions.IsTarget(name.Text, context.Family))
        {
            context.Report(Messages.NoSuchTarget(context.At(name), name.Text));
            return null;
        }

        if (KeptTargetPlaces.Find(name.Text) is { } place && !KeptTargetPlaceReads(name, place)) return null;
        context.Report(Messages.UnknownTarget(context.At(name), name.Text));
        return new ExtensionTarget(name.Text, [.. targetArgs.Select(a => a.ToModel())], Known: false);
    }

    /// <summary>A target dockerfw keeps verbatim, in a table and with a protocol the kernel takes it in; its hooks are checked at COMMIT.</summary>
    private bool KeptTargetPlaceReads(Token name, KeptTargetPlaces.Place place)
    {
        if (!place.Tables.Contains(context.Table.Name))
        {
            context.Report(Messages.TargetOutsideTable(context.At(name), name.Text, place.Tables, context.Table.Name));
            return false;
        }

        if (place.TcpOptions is { } tcpOptions && (tcpOptions.Length == 0 || targetArgs.Exists(a => tcpOptions.Contains(a.Name)))
            && (context.Protocol?.Number != Model.Values.Protocol.Tcp || context.ProtocolNegated))
        {
            context.Report(Messages.BadValue(context.At(name), $"-p tcp before -j {name.Text}{(tcpOptions.Length == 0 ? "" : " " + targetArgs.First(a => tcpOptions.Contains(a.Name)).Name)} (the kernel's check)", context.Protocol?.Name ?? "no -p"));
            return false;
        }

        targetHooks = place.Hooks;
        return true;
    }

    /// <summary>An extension name as xtables loads it: a library file name of at most 28 bytes.</summary>
    private static bool IsExtensionName(string name) =>
        name.Length is > 0 and <= 28 && !name.AsSpan().ContainsAnyExcept(ExtensionNameChars);

    private static readonly System.Buffers.SearchValues<char> ExtensionNameChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>The kernel refuses a port match whose protocol is not fixed by <c>-p</c> (xt_tcpudp checkentry).</summary>
    private void CheckProtocolModules()
    {
        foreach (var block in blocks)
        {
            var required = block.Module switch
            {
                "tcp" => Model.Values.Protocol.Tcp,
                "udp" => Model.Values.Protocol.Udp,
                "sctp" => Model.Values.Protocol.Sctp,
                "dccp" => 33,
                "udplite" => Model.Values.Protocol.UdpLite,
                "icmp" => Model.Values.Protocol.Icmp,
                "icmp6" => Model.Values.Protocol.IcmpV6,
                "multiport" => -1,
                _ => 0,
            };
            if (required == 0) continue;
            var given = context.ProtocolNegated ? null : context.Protocol;
            var ok = required == -1 ? given is { HasPorts: true } : given?.Number == required;
            if (!ok) context.Report(Messages.ModuleNeedsProtocol(context.At(block.At), block.Module, given?.Name));
        }
    }
}
