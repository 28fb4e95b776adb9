namespace DockerFw.Cli;

/// <summary>
/// Standard output as a stream of its own: Console.Out drops a write to a closed pipe silently
/// (<c>dockerfw fmt x | head -c1</c> would exit 0 with the output cut), and a full device ends in
/// an IOException; here both end in <see cref="OutputFailure"/>, one line and exit 2.
/// </summary>
internal sealed class OutputStream(Stream inner) : WriteOnlyStream
{
    public static TextWriter OpenStandardOutput() =>
        // Not Console.OpenStandardOutput: its stream ignores EPIPE as well. File descriptor 1 itself,
        // written at its shared offset (DescriptorStream says why not a FileStream).
        new StreamWriter(
            new OutputStream(new DescriptorStream(1)),
            // UTF-8 that writes a byte read from a name that was no UTF-8 back as that byte.
            Core.Text.Utf8Escaped.Instance, 1 << 16) { AutoFlush = true };

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException e)
        {
            throw new OutputFailure(e.Message);
        }
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (IOException e)
        {
            throw new OutputFailure(e.Message);
        }
    }
}

/// <summary>Standard output could not be written: closed (EPIPE) or full (ENOSPC).</summary>
internal sealed class OutputFailure(string reason) : IOException($"cannot write to standard output: {reason}");
