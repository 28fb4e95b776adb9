namespace DockerFw.Cli;

/// <summary>
/// A reader opened at its first use. Standard input as text (<see cref="Console.In"/>) is set up with its
/// decoder and, on a terminal, the terminal's settings: about a millisecond of every start of the native
/// build (docs/performance.md, "Start-up"), though most runs read files or bytes and never ask for it.
/// </summary>
internal sealed class DeferredReader(Func<TextReader> open) : TextReader
{
    private readonly Lazy<TextReader> reader = new(open);

    public override int Peek() => reader.Value.Peek();

    public override int Read() => reader.Value.Read();

    public override int Read(char[] buffer, int index, int count) => reader.Value.Read(buffer, index, count);

    public override int Read(Span<char> buffer) => reader.Value.Read(buffer);

    public override string? ReadLine() => reader.Value.ReadLine();

    public override string ReadToEnd() => reader.Value.ReadToEnd();
}
