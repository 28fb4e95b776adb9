using System.Text;

namespace DockerFw.Cli.Output;

/// <summary>A writer that passes text on with <see cref="Printable"/>'s escapes: for output streamed in pieces to a terminal.</summary>
internal sealed class PrintableWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(Printable.Of(value.ToString()));

    public override void Write(string? value)
    {
        if (value is not null) inner.Write(Printable.Of(value));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(buffer.ToString());

    public override void Flush() => inner.Flush();
}
