using DockerFw.Core.Model;

namespace DockerFw.Cli.Apply;

/// <summary>
/// One family as it was before the apply: its backup, its rules, and the undo input (and its file)
/// that returns dockerfw's part of the planned state to them; null when the plan changes nothing there.
/// <c>Moved</c>: FORWARD's jump to DOCKER-USER as it was, when the plan moves it first (the undo puts it back).
/// </summary>
internal sealed record SavedFamily(ApplyFamily Family, string Backup, Ruleset Before, string? Undo, string? UndoText, Core.Remediation.ForwardJump? Moved = null);
