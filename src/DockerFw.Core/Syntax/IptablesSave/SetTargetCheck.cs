using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-j SET</c> as libxt_SET 1.8.9 (revision 3) reads it, its own parser rather than an option table: each of
/// <c>--add-set</c>, <c>--del-set</c>, <c>--map-set</c> once, with a set name of at most 31 bytes and one to six
/// directions; <c>--exist</c> and <c>--timeout</c> (0-4294967295, base 0) only with <c>--add-set</c>; the map flags only
/// with <c>--map-set</c>, which needs one of them and loads only in the mangle table (the kernel's check). Whether the
/// named sets exist is the host's (docs/acceptance.md).
/// </summary>
internal static class SetTargetCheck
{
    private static readonly string[] SetOptions = ["--add-set", "--del-set", "--map-set"];

    private static readonly string[] MapFlags = ["--map-mark", "--map-prio", "--map-queue"];

    public static void Check(Token name, List<TargetArg> args, RuleContext context)
    {
        var seen = new List<string>(args.Count);
        foreach (var arg in args)
        {
            if (SetOptions.Contains(arg.Name))
            {
                if (seen.Contains(arg.Name))
                {
                    context.Report(Messages.OptionTwice(context.At(arg.Option), $"{arg.Name} after -j SET"));
                    return;
                }

                if (!MatchBinders.IsSetName(arg.Args[0].Text))
                {
                    context.Bad<object>(arg.Args[0], "a set name of at most 31 bytes");
                    return;
                }

                if (!MatchBinders.TryParseSetDirections(arg.Args[1].Text, out var directions) || directions.Length > 6)
                {
                    context.Bad<object>(arg.Args[1], "up to 6 set directions (src, dst, src,dst, ...)");
                    return;
                }
            }
            else if (arg.Name == "--timeout" && !Model.Values.XtablesNumber.TryParse(arg.Args[0].Text, uint.MaxValue, out _))
            {
                context.Bad<object>(arg.Args[0], "a timeout 0-4294967295 (as in C: 010 = 8, 0x10 = 16)");
                return;
            }

            seen.Add(arg.Name);
        }

        foreach (var arg in args)
        {
            var owner = arg.Name is "--exist" or "--timeout" ? "--add-set" : MapFlags.Contains(arg.Name) ? "--map-set" : null;
            if (owner is null || seen.Contains(owner)) continue;
            context.Report(Messages.BadValue(context.At(arg.Option), $"{arg.Name} only with {owner}", arg.Name));
            return;
        }

        if (!seen.Contains("--map-set")) return;
        if (!MapFlags.Any(seen.Contains))
            context.Report(Messages.BadValue(context.At(name), $"one of {string.Join(", ", MapFlags)} with --map-set", name.Text));
        else if (context.Table.Name != "mangle")
            context.Report(Messages.BadValue(context.At(name), "--map-set in the mangle table (the kernel's check)", context.Table.Name));
    }
}
