using System.Text;

namespace DockerFw.Cli.Enforce;

/// <summary>
/// One line per action, in logfmt (<c>level=info msg="..." reason="..."</c>), which journald keeps as
/// it is and log shippers (Loki, Vector, Fluent Bit) parse into fields. Under systemd (where
/// <c>JOURNAL_STREAM</c> is set) each line starts with its syslog priority, <c>&lt;6&gt;</c> for info,
/// so journalctl -p filters them.
/// </summary>
internal sealed class EnforceLog(TextWriter output, bool journal, TimeProvider? clock = null)
{
    private readonly Lock gate = new();

    public static EnforceLog ForProcess(TextWriter output) => new(output, Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 });

    public void Info(string message, params (string Key, string Value)[] fields) => Write(6, "info", message, fields);

    public void Warning(string message, params (string Key, string Value)[] fields) => Write(4, "warning", message, fields);

    public void Error(string message, params (string Key, string Value)[] fields) => Write(3, "error", message, fields);

    private void Write(int priority, string level, string message, (string Key, string Value)[] fields)
    {
        var line = new StringBuilder();
        if (journal) line.Append('<').Append(priority).Append('>');
        else line.Append("time=").Append((clock ?? TimeProvider.System).GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
        line.Append("level=").Append(level).Append(" msg=").Append(Quoted(message));
        foreach (var (key, value) in fields) line.Append(' ').Append(key).Append('=').Append(Quoted(value));
        lock (gate)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }

    /// <summary>A logfmt value: quoted, with quotes, backslashes and control characters escaped, so a line stays one line.</summary>
    public static string Quoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }
}
