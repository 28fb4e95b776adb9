namespace DockerFw.Cli.Tests;

/// <summary>Standard input as text is opened only by a run that reads it (DeferredReader).</summary>
public sealed class DeferredReaderTests
{
    [Fact]
    public void The_reader_is_opened_at_its_first_read_and_once()
    {
        var opened = 0;
        var reader = new DeferredReader(() =>
        {
            opened++;
            return new StringReader("first line\nsecond line\nrest");
        });

        Assert.Equal(0, opened);
        Assert.Equal('f', (char)reader.Peek());
        Assert.Equal("first line", reader.ReadLine());
        var buffer = new char[6];
        Assert.Equal(6, reader.Read(buffer, 0, 6));
        Assert.Equal("second", new string(buffer));
        Assert.Equal(" line\nrest", reader.ReadToEnd());
        Assert.Equal(-1, reader.Read());
        Assert.Equal(1, opened);
    }
}
