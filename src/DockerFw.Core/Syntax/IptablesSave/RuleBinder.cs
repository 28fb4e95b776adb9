using System.Collections.Immutable;
using System.Runtime.InteropServices;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Targets;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// Binds the arguments of one rule line to the model, like iptables' option parser: core options,
/// <c>-m MODULE</c> blocks whose options follow their own arity table, <c>-j</c>/<c>-g</c> and the
/// target's options, <c>!</c> before any option. An option that no loaded module knows is tried on
/// the earlier modules and on the module <c>-p</c> loads implicitly before it is an error.
/// </summary>
internal sealed partial class RuleBinder
{
    /// <summary>A <c>-m</c> block being bound; reused from line to line (see <see cref="NewBlock"/>).</summary>
    private sealed class Block
    {
        public OptionTable? Table { get; set; }

        public string Module { get; set; } = "";

        public Token At { get; set; }

        public List<Match> Matches { get; } = new(4);

        /// <summary>The extension's own option table (null for one not guided, or unknown).</summary>
        public System.Collections.Immutable.ImmutableArray<XtOption>? Declared { get; set; }

        /// <summary>The options given so far (by the name save prints): the kernel takes each once per match.</summary>
        public List<string> Given { get; } = new(4);
    }

    private readonly List<Block> spareBlocks = [];

    private readonly Match?[] core = new Match?[CoreNames.Length];
    private readonly List<Block> blocks = [];
    private readonly List<TargetArg> targetArgs = [];
    private int position;
    private int usedBlocks;
    private Token? bang;
    private Token? chain;
    private Counters? counters;
    private Token? targetName;
    private bool isGoto;
    private bool otherFamily;
    private TargetSpec? targetSpec;

    /// <summary>The built-in chains this rule's target may be reached from (checked at COMMIT); null: any.</summary>
    private string[]? targetHooks;
    private List<Token> tokens = [];
    private RuleContext context = null!;

    /// <summary>
    /// The rule, or null after reporting why not. Like restore, it checks <c>-A</c> and <c>-j</c>/<c>-g</c>
    /// against the chains declared so far, so a rule gets its number in its chain right here.
    /// </summary>
    /// <remarks>One binder serves a whole read, line after line, so its buffers are allocated once.</remarks>
    public Model.Rule? Bind(List<Token> lineTokens, RuleContext lineContext, Counters? prefixCounters, SourceSpan span, ReadOnlyMemory<char> source)
    {
        tokens = lineTokens;
        context = lineContext;
        counters = prefixCounters;
        Array.Clear(core);
        blocks.Clear();
        usedBlocks = 0;
        targetArgs.Clear();
        position = 0;
        bang = chain = targetName = null;
        isGoto = false;
        otherFamily = false;
        targetSpec = null;
        targetHooks = null;

        // Only the last argument of a line can hold an open quote: it runs to the line's end.
        if (tokens.Count > 0 && tokens[^1].Unclosed) context.Report(Messages.UnclosedQuote(context.At(tokens[^1])));
        while (position < tokens.Count && !context.Failed)
        {
            var token = tokens[position++];
            if (token.IsBang)
            {
                if (bang is not null) context.Report(Messages.DoubleNegation(context.At(token)));
                bang = token;
            }
            else if (token.LooksLikeOption) Option(token);
            else context.Report(Messages.UnexpectedArgument(context.At(token), token.Text));
        }

        if (context.Failed || otherFamily) return null;
        if (bang is { } dangling) return Fail(Messages.DanglingNegation(context.At(dangling)));
        if (chain is not { } chainToken) return Fail(Messages.NoCommand(span));
        var table = context.Table;
        if (!table.HasChain(chainToken.Text)) return Fail(Messages.UndeclaredChain(context.At(chainToken), chainToken.Text, table.Name));
        if (InterfaceOfNoPacket(chainToken) is { } problem) return Fail(problem);
        var target = BuildTarget();
        CheckProtocolModules();
        if (!context.Failed) CheckMatchOptionTables();
        if (target is JumpTarget jump && targetName is { } jumpName && !table.CanJumpTo(jump))
            context.Report(table.TargetProblem(jump, context.At(jumpName)));
        if (context.Failed) return null;

        var coreCount = 0;
        foreach (var match in core) if (match is not null) coreCount++;
        var built = new MatchBlock[blocks.Count + (coreCount > 0 ? 1 : 0)];
        var next = 0;
        if (coreCount > 0)
        {
            var coreMatches = new Match[coreCount];
            var i = 0;
            foreach (var match in core) if (match is not null) coreMatches[i++] = match;
            built[next++] = new MatchBlock(null, ImmutableCollectionsMarshal.AsImmutableArray(coreMatches));
        }

        foreach (var block in blocks) built[next++] = new MatchBlock(block.Module, [.. block.Matches]);
        if (target is JumpTarget to && targetName is { } toName) table.NoteJump(chainToken.Text, to.Chain, context.Line, toName.Column);
        if (targetHooks is { } hooks && targetName is { } hooked && !(table.IsBuiltIn(chainToken.Text) && hooks.Contains(chainToken.Text)))
            table.NoteHookedTarget(chainToken.Text, hooked.Text, hooks, context.At(hooked));
        return new Model.Rule(chainToken.Text, table.NextNumber(chainToken.Text), span, counters, ImmutableCollectionsMarshal.AsImmutableArray(built), target)
        {
            SourceLine = source,
        };
    }

    private Model.Rule? Fail(Diagnostic diagnostic)
    {
        context.Report(diagnostic);
        return null;
    }

    private void Option(Token option)
    {
        switch (option.Text)
        {
            case "-A" or "--append":
                if (NotNegated(option) && TakeOne(option, false) is { } name)
                {
                    if (chain is not null) context.Report(Messages.OptionTwice(context.At(option), "-A"));
                    chain = name;
                }

                break;
            case "-s" or "--source" or "--src":
                Core(option, CoreOption.Source);
                break;
            case "-d" or "--destination" or "--dst":
                Core(option, CoreOption.Destination);
                break;
            case "-i" or "--in-interface":
                Core(option, CoreOption.InInterface);
                break;
            case "-o" or "--out-interface":
                Core(option, CoreOption.OutInterface);
                break;
            case "-p" or "--protocol":
                Core(option, CoreOption.Protocol);
                break;
            case "-f" or "--fragment":
                if (context.Family == IpFamily.V6) context.Report(Messages.FragmentInV6(context.At(option)));
                else Core(option, CoreOption.Fragment);
                break;
            case "-m" or "--match":
                if (NotNegated(option) && TakeOne(option, false) is { } module) LoadModule(module);
                break;
            case "-j" or "--jump" or "-g" or "--goto":
                if (NotNegated(option) && TakeOne(option, false) is { } target) SetTarget(option, target);
                break;
            case "-c" or "--set-counters":
                if (NotNegated(option) && Take(option, 2, false) is [var packets, var bytes]) InlineCounters(packets, bytes);
                break;
            case "-I" or "--insert" or "-D" or "--delete" or "-R" or "--replace" or "-N" or "--new-chain" or "-X"
                or "--delete-chain" or "-F" or "--flush" or "-P" or "--policy" or "-Z" or "--zero" or "-E"
                or "--rename-chain" or "-L" or "--list" or "-S" or "--list-rules" or "-t" or "--table":
                context.Report(Messages.NotSaveOutput(context.At(option), option.Text));
                break;
            case "-4" or "--ipv4" or "-6" or "--ipv6":
                Family(option, option.Text is "-4" or "--ipv4" ? IpFamily.V4 : IpFamily.V6);
                break;
            case "-v" or "--verbose":
                // Restore takes it on -A (it only makes restore print the rule).
                NotNegated(option);
                break;
            case "-M" or "--modprobe":
                // The program restore would run to load a kernel module: taken on -A, and not part of the rule.
                if (NotNegated(option)) TakeOne(option, false);
                break;
            default:
                if (!GluedShortOptions(option)) ExtensionOption(option);
                break;
        }
    }

    /// <summary>
    /// getopt's bundled short options, as iptables 1.8 reads them: <c>-vj RETURN</c> is <c>-v -j RETURN</c>.
    /// A glued value is the rest of the argument for <c>-g</c>, <c>-m</c>, <c>-M</c>, <c>-A</c> and <c>-c</c> (<c>-gX</c>), but
    /// <c>-s</c>, <c>-d</c>, <c>-i</c>, <c>-o</c>, <c>-p</c> and <c>-j</c> take their value from argv[optind-1], the whole
    /// argument: <c>-ieth0</c> is the interface "-ieth0", <c>-jRETURN</c> the target "-jRETURN". False when the token is no bundle.
    /// </summary>
    private bool GluedShortOptions(Token option, Token? whole = null)
    {
        var text = option.Text;
        if (text.Length < 3 || text[1] == '-') return false;
        var letter = text[1];
        var head = new Token("-" + letter, option.Column, option.Quoted);
        var rest = new Token(text[2..], option.Column + 2, option.Quoted);
        var family = letter switch { '4' => IpFamily.V4, '6' => IpFamily.V6, _ => (IpFamily?)null };
        if (family is { } other && other != context.Family)
        {
            Family(head, other);
            return true;
        }

        if (letter is 'v' or 'f' || family == context.Family)
        {
            if (family is null) Option(head);
            if (context.Failed) return true;
            var next = rest with { Text = "-" + rest.Text, Column = rest.Column - 1 };
            if (next.Text.Length == 2) Option(next);
            else if (!GluedShortOptions(next, whole ?? option)) ExtensionOption(next);
            return true;
        }

        if (letter is 'g' or 'm' or 'A' or 'c' or 'M') tokens.Insert(position, rest);
        else if (letter is 's' or 'd' or 'i' or 'o' or 'p' or 'j') tokens.Insert(position, whole ?? option);
        else return false;
        Option(head);
        return true;
    }

    /// <summary>
    /// <c>-4</c>/<c>-6</c>: nothing in a dump of that family; in the other family's dump restore drops the rule the
    /// moment getopt hands it the option (iptables' "rule is for the other family" in restore mode): what came
    /// before was read and may have failed, nothing after it is read, and the rule is not in the ruleset.
    /// </summary>
    private void Family(Token option, IpFamily family)
    {
        // A `!` before it is dropped, as restore drops it (`! -4 -j ACCEPT` loads as `-j ACCEPT`).
        bang = null;
        if (family == context.Family) return;
        // Restore skips the rest of the line in silence; a rule that is not there is worth saying.
        if (!otherFamily) context.Report(Messages.OtherFamilysRule(context.At(option), option.Text, context.Family == IpFamily.V4 ? "iptables" : "ip6tables"));
        otherFamily = true;
        position = tokens.Count;
    }

    /// <summary>
    /// iptables' own check of a rule's chain by its name (any table): packets of INPUT and PREROUTING have no
    /// output interface, those of OUTPUT and POSTROUTING no input one ("Can't use -o with INPUT").
    /// </summary>
    private Diagnostic? InterfaceOfNoPacket(Token chainToken)
    {
        var option = chainToken.Text switch
        {
            "INPUT" or "PREROUTING" when core[(int)CoreOption.OutInterface] is not null => "-o",
            "OUTPUT" or "POSTROUTING" when core[(int)CoreOption.InInterface] is not null => "-i",
            _ => null,
        };
        return option is null ? null : Messages.BadValue(context.At(chainToken), $"no {option} in a rule of {chainToken.Text} (restore: \"Can't use {option} with {chainToken.Text}\")", option);
    }

    /// <summary>The core options in save's order; a rule holds each at most once.</summary>
    private enum CoreOption
    {
        Source,
        Destination,
        InInterface,
        OutInterface,
        Protocol,
        Fragment,
    }

    private static readonly string[] CoreNames = ["-s", "-d", "-i", "-o", "-p", "-f"];

    private void Core(Token option, CoreOption which)
    {
        if (core[(int)which] is not null)
        {
            context.Report(Messages.OptionTwice(context.At(option), CoreNames[(int)which]));
            return;
        }

        if (which == CoreOption.Fragment)
        {
            core[(int)which] = new FragmentMatch(Negated());
            return;
        }

        if (TakeOne(option, true) is { } value) core[(int)which] = BindCore(which, value);
    }

    private Match? BindCore(CoreOption which, Token value)
    {
        switch (which)
        {
            case CoreOption.Source or CoreOption.Destination:
                var field = which == CoreOption.Source ? AddressField.Source : AddressField.Destination;
                return CoreValues.Address(value, context) is { } address ? new AddressMatch(field, address, Negated()) : null;
            case CoreOption.InInterface or CoreOption.OutInterface:
                var direction = which == CoreOption.InInterface ? Direction.In : Direction.Out;
                return CoreValues.Interface(value, context) is { } name ? new InterfaceMatch(direction, name, Negated()) : null;
            default:
                if (CoreValues.ProtocolOf(value, context) is not { } protocol) return null;
                context.Protocol = protocol;
                context.ProtocolNegated = bang is not null;
                return new ProtocolMatch(protocol, Negated());
        }
    }

    private void SetTarget(Token option, Token name)
    {
        if (targetName is not null)
        {
            context.Report(Messages.OptionTwice(context.At(option), "-j/-g"));
            return;
        }

        if (name.Text.Length == 0 || name.Text.AsSpan().IndexOfAny(" \t\n") >= 0)
        {
            context.Bad<Target>(name, "a chain or target name");
            return;
        }

        targetName = name;
        isGoto = option.Text is "-g" or "--goto";
        if (!isGoto) targetSpec = TargetCatalog.Find(name.Text);
    }

    private void InlineCounters(Token packets, Token bytes)
    {
        // Read as restore reads them (sscanf "%llu": -1 wraps, 5x is 5), RuleCounters.
        if (!RuleCounters.TryScan(packets.Text, out var p)) context.Bad<Counters>(packets, "a packet count");
        else if (!RuleCounters.TryScan(bytes.Text, out var b)) context.Bad<Counters>(bytes, "a byte count");
        else counters = new Counters(p, b);
    }

    private bool NotNegated(Token option)
    {
        if (bang is null) return true;
        context.Report(Messages.NegationNotAllowed(context.At(bang.Value), option.Text));
        return false;
    }

    /// <summary>Consumes the pending <c>!</c>.</summary>
    private bool Negated()
    {
        var negated = bang is not null;
        bang = null;
        return negated;
    }
}
