using DockerFw.Core.Model;
using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The results of binding <see cref="Size"/> consecutive steps of <see cref="BindingPass"/>: per step the
/// rule (null: none), and the diagnostics and notes it made, in order. Reused once merged.
/// </summary>
internal sealed class BindingBatch
{
    public const int Size = 256;

    private readonly Rule?[] rules = new Rule?[Size];
    private readonly int[] diagnosticEnds = new int[Size];
    private readonly int[] noteEnds = new int[Size];

    public int First { get; private set; }

    public int Count { get; private set; }

    public List<Diagnostic> Diagnostics { get; } = [];

    public List<BindingNote> Notes { get; } = new(Size);

    internal ManualResetEventSlim Done { get; } = new(false);

    internal Rule?[] Rules => rules;

    internal void Start(int first, int count)
    {
        First = first;
        Count = count;
        Array.Clear(rules);
        Diagnostics.Clear();
        Notes.Clear();
    }

    internal void Ended(int step)
    {
        diagnosticEnds[step] = Diagnostics.Count;
        noteEnds[step] = Notes.Count;
    }

    public Rule? RuleOf(int step) => rules[step];

    /// <summary>The diagnostics of step <paramref name="step"/> (0-based in the batch), as a range of <see cref="Diagnostics"/>.</summary>
    public Range DiagnosticsOf(int step) => (step == 0 ? 0 : diagnosticEnds[step - 1])..diagnosticEnds[step];

    public Range NotesOf(int step) => (step == 0 ? 0 : noteEnds[step - 1])..noteEnds[step];
}
