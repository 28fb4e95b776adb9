namespace DockerFw.Cli.Tests.Apply;

/// <summary>Input that does something while apply awaits its confirmation, then ends (unconfirmed).</summary>
internal sealed class ActingReader(Action meanwhile) : TextReader
{
    public override string? ReadLine()
    {
        meanwhile();
        return null;
    }
}
