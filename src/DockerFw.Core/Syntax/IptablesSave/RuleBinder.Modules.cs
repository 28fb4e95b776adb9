using System.Collections.Immutable;
using DockerFw.Core.Model.Matches;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// <c>-m NAME</c> blocks, and what a module or target name is in the binder's family, found once per name: a dump names
/// a dozen modules and targets on hundreds of thousands of lines, and each <c>-m</c> looked its name up in three tables
/// (xtables' names of both families, dockerfw's option tables, xtables' option tables) and each target in xtables'
/// option tables again, a quarter of binding a rule with one module.
/// </summary>
internal sealed partial class RuleBinder
{
    private enum ModuleKind
    {
        /// <summary>Not a name xtables loads a library by.</summary>
        BadName,

        /// <summary>Only the other family's tool has it.</summary>
        OtherFamily,

        /// <summary>Neither iptables nor xtables-addons has it.</summary>
        NoSuch,

        /// <summary>xtables has it, dockerfw keeps it verbatim.</summary>
        Unmodelled,

        /// <summary>dockerfw binds its options (<see cref="ModuleName.Table"/>).</summary>
        Modelled,
    }

    /// <summary>What <c>-m NAME</c> is: its kind, dockerfw's option table and xtables' own when it is modelled.</summary>
    private readonly record struct ModuleName(ModuleKind Kind, OptionTable? Table, ImmutableArray<XtOption>? Declared);

    // At most this many names are kept per kind: a dump names a few dozen, a hostile one any number of bad names.
    private const int KeptNames = 256;

    private readonly Dictionary<string, ModuleName> moduleNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImmutableArray<XtOption>?> targetTables = new(StringComparer.Ordinal);

    /// <summary>The family the names were found in: a binder serves one family's read, but nothing else says so.</summary>
    private IpFamily? namesFamily;

    private ModuleName Module(string name)
    {
        ForgetNamesOfAnotherFamily();
        if (moduleNames.TryGetValue(name, out var known)) return known;
        var family = context.Family;
        var table = MatchModules.Find(name);
        var found = !IsExtensionName(name) ? new ModuleName(ModuleKind.BadName, null, null)
            : XtablesExtensions.IsOtherFamilysMatch(name, family) ? new ModuleName(ModuleKind.OtherFamily, null, null)
            : table is not null ? new ModuleName(ModuleKind.Modelled, table, XtablesOptions.Find(false, name, family))
            : new ModuleName(XtablesExtensions.IsMatch(name, family) ? ModuleKind.Unmodelled : ModuleKind.NoSuch, null, null);
        if (moduleNames.Count < KeptNames) moduleNames[name] = found;
        return found;
    }

    /// <summary>xtables' option table of the target <paramref name="name"/> (null: none, not guided or unknown).</summary>
    private ImmutableArray<XtOption>? TargetTable(string name)
    {
        ForgetNamesOfAnotherFamily();
        if (targetTables.TryGetValue(name, out var known)) return known;
        var found = XtablesOptions.Find(true, name, context.Family);
        if (targetTables.Count < KeptNames) targetTables[name] = found;
        return found;
    }

    private void ForgetNamesOfAnotherFamily()
    {
        if (namesFamily == context.Family) return;
        moduleNames.Clear();
        targetTables.Clear();
        namesFamily = context.Family;
    }

    private void LoadModule(Token module)
    {
        var found = Module(module.Text);
        switch (found.Kind)
        {
            case ModuleKind.BadName:
                context.Bad<Match>(module, "a match module name (letters, digits, _ and -, at most 28)");
                return;
            case ModuleKind.OtherFamily:
                context.Report(Messages.WrongFamily(context.At(module), $"a match module of {(context.Family == IpFamily.V4 ? "iptables" : "ip6tables")}", module.Text));
                return;
            case ModuleKind.NoSuch:
                context.Report(Messages.NoSuchModule(context.At(module), module.Text));
                return;
            case ModuleKind.Unmodelled:
                context.Report(Messages.UnknownModule(context.At(module), module.Text));
                break;
        }

        blocks.Add(NewBlock(found.Table, module.Text, module, found.Declared));
    }

    /// <summary>A cleared block from the ones earlier lines used: a dump binds hundreds of thousands of them.</summary>
    private Block NewBlock(OptionTable? table, string module, Token at, ImmutableArray<XtOption>? declared)
    {
        if (usedBlocks == spareBlocks.Count) spareBlocks.Add(new Block());
        var block = spareBlocks[usedBlocks++];
        block.Table = table;
        block.Module = module;
        block.At = at;
        block.Declared = declared;
        block.Matches.Clear();
        block.Given.Clear();
        return block;
    }
}
