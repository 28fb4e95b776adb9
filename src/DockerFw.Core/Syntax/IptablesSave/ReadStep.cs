namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// A line the first pass over a dump leaves for later: a rule line to bind (<paramref name="IsCommit"/>
/// false: its text is <paramref name="Start"/> up to <paramref name="End"/>, before the line feed), or the
/// COMMIT of <paramref name="Table"/>, whose checks need the block's rules. <paramref name="EarlierDiagnostics"/>
/// is how many diagnostics the first pass had made before the line, so the merge puts the line's own
/// after them and before the next ones, in line order as a one-pass read would. <paramref name="Number"/> is the
/// rule's number in its chain if every earlier rule line of the chain loads (0: not known), which the merge
/// checks: a rule numbered right needs no copy.
/// </summary>
internal readonly record struct ReadStep(TableBuilder Table, int Line, int Start, int End, bool LineFeed, int EarlierDiagnostics, bool IsCommit, int Number = 0);
