using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// What binding a line leaves for its table's checks at COMMIT: a jump (<paramref name="Hooks"/> null:
/// from <paramref name="Chain"/> to <paramref name="Name"/>, the name at <paramref name="Column"/> of the
/// line <paramref name="At"/>), or a target <paramref name="Name"/> allowed only from <paramref name="Hooks"/>.
/// </summary>
internal readonly record struct BindingNote(string Chain, string Name, SourceSpan At, int Column, string[]? Hooks)
{
    public void ApplyTo(TableBuilder table)
    {
        if (Hooks is null) table.NoteJump(Chain, Name, At, Column);
        else table.NoteHookedTarget(Chain, Name, Hooks, At);
    }
}
