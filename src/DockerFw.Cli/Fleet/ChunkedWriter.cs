using System.Text;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// Text handed to standard output in chunks of about 256 KB: a fleet's report is written as its cells
/// are judged, too long to hold whole (1,000 hosts: millions of lines), and standard output flushes
/// every write (line by line, 100 hosts' text cost 18 s of CPU).
/// </summary>
internal sealed class ChunkedWriter(TextWriter inner) : TextWriter
{
    private const int Chunk = 256 * 1024;
    private readonly StringBuilder _buffer = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        _buffer.Append(value);
        if (_buffer.Length >= Chunk) Flush();
    }

    public override void Write(string? value)
    {
        _buffer.Append(value);
        if (_buffer.Length >= Chunk) Flush();
    }

    public override void WriteLine(string? value)
    {
        _buffer.Append(value).Append(NewLine);
        if (_buffer.Length >= Chunk) Flush();
    }

    public override void Flush()
    {
        if (_buffer.Length == 0) return;
        inner.Write(_buffer.ToString());
        _buffer.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Flush();
        base.Dispose(disposing);
    }
}
