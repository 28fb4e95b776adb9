namespace DockerFw.Cli.Output;

/// <summary>
/// One <c>--format</c> of a command's result (<c>reach</c>'s, <c>trace</c>'s...): the seam between a
/// workflow's result and the words or JSON the user reads. Formatters only render; they decide nothing.
/// </summary>
internal interface IResultFormatter<in TResult>
{
    /// <summary>The value of <c>--format</c> that selects this formatter.</summary>
    string Name { get; }

    void Write(TResult result, TextWriter output);
}
