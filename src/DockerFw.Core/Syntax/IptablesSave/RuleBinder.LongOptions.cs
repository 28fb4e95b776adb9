using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Long options as getopt_long hands them to restore: an unambiguous prefix stands for the option
/// (<c>--dp 80</c> after <c>-p tcp</c> is <c>--dport 80</c>, <c>--fragm</c> is <c>-f</c>), and <c>--opt=value</c> carries its
/// value. The names getopt knows at a point are iptables' own and those of the matches loaded so far, the
/// match <c>-p</c> loads and the target: a prefix of two options that are not one is refused, as restore refuses
/// it ("unknown option"). A core option's value glued with '=' is, as for <c>-ieth0</c>, the whole argument for
/// <c>-s</c>, <c>-d</c>, <c>-i</c>, <c>-o</c>, <c>-p</c> and <c>-j</c> (iptables reads argv[optind-1]), the rest for the others.
/// </summary>
internal sealed partial class RuleBinder
{
    /// <summary>iptables 1.8.9's own long options (original_opts), each with the short option it stands for and whether it takes a value.</summary>
    private static readonly (string Name, string Short, bool Value)[] CoreLongOptions =
    [
        ("--append", "-A", true), ("--delete", "-D", true), ("--check", "-C", true), ("--insert", "-I", true),
        ("--replace", "-R", true), ("--list", "-L", false), ("--list-rules", "-S", false), ("--flush", "-F", false),
        ("--zero", "-Z", false), ("--new-chain", "-N", true), ("--delete-chain", "-X", false), ("--rename-chain", "-E", true),
        ("--policy", "-P", true), ("--source", "-s", true), ("--destination", "-d", true), ("--src", "-s", true),
        ("--dst", "-d", true), ("--protocol", "-p", true), ("--in-interface", "-i", true), ("--jump", "-j", true),
        ("--table", "-t", true), ("--match", "-m", true), ("--numeric", "-n", false), ("--out-interface", "-o", true),
        ("--verbose", "-v", false), ("--wait", "-w", false), ("--wait-interval", "-W", false), ("--exact", "-x", false),
        ("--fragments", "-f", false), ("--version", "-V", false), ("--help", "-h", false), ("--line-numbers", "-0", false),
        ("--modprobe", "-M", true), ("--set-counters", "-c", true), ("--goto", "-g", true), ("--ipv4", "-4", false),
        ("--ipv6", "-6", false),
    ];

    /// <summary>A long option getopt knows: the name, what it is (two names of one option are one), whether it takes a value.</summary>
    private readonly record struct LongOption(string Name, string Identity, bool Value, string? Short);

    private readonly List<LongOption> longOptions = [];

    /// <summary>
    /// An option no table holds by that name, bound again as the option getopt takes it for; false when getopt
    /// takes it for none either (the caller reports it), true when it is bound or reported here.
    /// </summary>
    private bool LongOptionAgain(Token option)
    {
        var resolved = option;
        if (!ResolveLongOption(ref resolved)) return true;
        if (resolved.Text == option.Text) return false;
        Option(resolved);
        return true;
    }

    /// <summary>
    /// Rewrites <paramref name="option"/> to the option getopt finds for it, inserting a glued value; false after
    /// reporting it (ambiguous, or a value given to an option that takes none). Unknown names are left as they are.
    /// </summary>
    private bool ResolveLongOption(ref Token option)
    {
        var text = option.Text;
        var equals = text.IndexOf('=');
        var name = equals < 0 ? text : text[..equals];
        // getopt looks first among the options loaded so far; restore loads -p's match only for a name none of them takes.
        KnownLongOptions(withImplicit: false);
        if (!longOptions.Any(o => o.Name.StartsWith(name, StringComparison.Ordinal))) KnownLongOptions(withImplicit: true);
        LongOption? found = null;
        foreach (var candidate in longOptions)
        {
            if (candidate.Name == name)
            {
                found = candidate;
                break;
            }

            if (!candidate.Name.StartsWith(name, StringComparison.Ordinal) || name.Length <= 2) continue;
            if (found is { } earlier && earlier.Identity != candidate.Identity)
            {
                if (longOptions.Any(o => o.Name == name)) continue;
                context.Report(Messages.UnknownCoreOption(context.At(option), text));
                return false;
            }

            found ??= candidate;
        }

        if (found is not { } resolved) return true;
        if (equals >= 0 && !resolved.Value)
        {
            context.Report(Messages.UnknownCoreOption(context.At(option), text));
            return false;
        }

        if (equals >= 0)
        {
            var wholeArgument = resolved.Short is "-s" or "-d" or "-i" or "-o" or "-p" or "-j";
            tokens.Insert(position, wholeArgument ? option : new Token(text[(equals + 1)..], option.Column + equals + 1, option.Quoted));
        }

        option = new Token(resolved.Short ?? resolved.Name, option.Column, option.Quoted);
        return true;
    }

    /// <summary>The long options getopt knows at this point of the line.</summary>
    private void KnownLongOptions(bool withImplicit)
    {
        longOptions.Clear();
        foreach (var (name, letter, value) in CoreLongOptions) longOptions.Add(new LongOption(name, letter, value, letter));
        foreach (var block in blocks) AddLongOptions(block.Table);
        if (withImplicit && context.Protocol is { } protocol && MatchModules.ImplicitFor(protocol, context.Family) is { } implicitTable) AddLongOptions(implicitTable);
        if (targetSpec is not null) AddLongOptions(targetSpec.Options);
    }

    private void AddLongOptions(OptionTable? table)
    {
        if (table is null) return;
        foreach (var spec in table.All) longOptions.Add(new LongOption(spec.Name, $"{table.Name} {spec.SaveName}", spec.Arity > 0, null));
    }
}
