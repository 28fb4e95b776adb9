using DockerFw.Core.Model.Targets;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// A table block as the binder of one rule line sees it: the chains declared before the line, and
/// where the line's jumps go. Lines are bound out of order, on two cores (<see cref="BindingPass"/>),
/// while no chain line of the block is being added; so "declared so far" is "declared on an earlier
/// line", and the notes of a line are kept with it for the merge, which hands them to the
/// <see cref="TableBuilder"/> in line order.
/// </summary>
internal sealed class TableSoFar
{
    private TableBuilder table = null!;
    private int line;
    private List<BindingNote> notes = null!;
    private int number;

    /// <summary>Starts a batch of lines, whose notes go to <paramref name="batchNotes"/>.</summary>
    public void StartBatch(List<BindingNote> batchNotes) => notes = batchNotes;

    /// <summary>Starts the line <paramref name="step"/> of its table.</summary>
    public TableSoFar Start(in ReadStep step)
    {
        table = step.Table;
        line = step.Line;
        number = step.Number;
        return this;
    }

    public string Name => table.Name;

    public bool IsBuiltIn(string chain) => table.IsBuiltIn(chain);

    /// <summary>A built-in chain of this table, or a chain declared on an earlier line.</summary>
    public bool HasChain(string chain) => table.IsDeclaredBefore(chain, line) || table.IsBuiltIn(chain);

    /// <summary>True when a jump or goto can go to its chain: a user chain declared on an earlier line.</summary>
    public bool CanJumpTo(JumpTarget jump) => table.IsDeclaredBefore(jump.Chain, line) && !table.IsBuiltIn(jump.Chain);

    /// <summary>Why a jump or goto cannot go to its chain.</summary>
    public Diagnostic TargetProblem(JumpTarget jump, SourceSpan at) => table.TargetProblem(jump, at);

    /// <summary>
    /// The number the rule gets in its chain as the first pass counted the chain's rule lines: the merge,
    /// which knows which of them loaded, corrects it where it differs (after a rule that failed, or a line
    /// whose chain the first pass could not see).
    /// </summary>
    public int NextNumber(string chain) => number;

    /// <summary>A jump or goto of the line, at its chain name; the merge hands it to the table.</summary>
    public void NoteJump(string from, string to, SourceSpan at, int column) => notes.Add(new BindingNote(from, to, at, column, null));

    /// <summary>A target the kernel takes only from some hooks, in a chain that is not one of them; checked at COMMIT.</summary>
    public void NoteHookedTarget(string chain, string target, string[] hooks, SourceSpan at) => notes.Add(new BindingNote(chain, target, at, 0, hooks));
}
