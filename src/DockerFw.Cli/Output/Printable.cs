using System.Text;

namespace DockerFw.Cli.Output;

/// <summary>
/// Text from the inputs (rule comments, chain names, Docker's names) made safe for a terminal:
/// control characters other than line feed and tab are shown as <c>\xNN</c>, so a comment holding
/// <c>ESC [2J</c> cannot clear the screen or forge output. JSON and SARIF escape them already.
/// </summary>
internal static class Printable
{
    public static string Of(string text)
    {
        var first = text.AsSpan().IndexOfAnyInRange('\0', '\x1f');
        if (first < 0 && !HasOtherControls(text)) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (c is '\n' or '\t' || !IsControl(c)) builder.Append(c);
            else builder.Append(c <= '\xff' ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        }

        return builder.ToString();
    }

    // DEL and the C1 controls (0x80-0x9f: 0x9b is a one-byte CSI to some terminals).
    private static bool HasOtherControls(string text) => text.AsSpan().IndexOfAnyInRange('\x7f', '\x9f') >= 0;

    private static bool IsControl(char c) => c < ' ' || c is >= '\x7f' and <= '\x9f';

    /// <summary>What to print: escaped for a terminal, unchanged for a pipe or a file (restore input keeps its bytes).</summary>
    public static string ForTerminal(string text, StandardStreams streams) => streams.TerminalWidth is null ? text : Of(text);
}
