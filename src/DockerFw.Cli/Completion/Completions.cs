using System.CommandLine;

namespace DockerFw.Cli.Completion;

/// <summary>
/// Completions in the form cobra prints them, which the docker CLI asks its plugins for and the
/// shell scripts of <c>dockerfw completion</c> read: one candidate a line (a tab before its
/// description), then <c>:DIRECTIVE</c> (4: no file completion; 0: the shell's default).
/// </summary>
internal static class Completions
{
    public const string Request = "__complete";

    /// <param name="words">The words after the program's name; the last is the one being completed ("" for a new word).</param>
    public static int Write(Command root, IReadOnlyList<string> words, TextWriter output)
    {
        var typed = words.Count == 0 ? "" : words[^1];
        var line = string.Join(' ', words.Select(w => w.Contains(' ', StringComparison.Ordinal) ? $"\"{w}\"" : w));
        var items = root.Parse(line).GetCompletions(line.Length)
            .Where(c => c.Label.StartsWith(typed, StringComparison.Ordinal) && c.Label != Request)
            .ToList();
        foreach (var item in items)
            output.WriteLine(string.IsNullOrEmpty(item.Detail) ? item.Label : $"{item.Label}\t{OneLine(item.Detail)}");
        output.WriteLine(items.Count > 0 && typed.StartsWith('-') ? ":4" : ":0");
        return ExitCodes.Ok;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');
}
