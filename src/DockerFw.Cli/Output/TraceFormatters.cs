using DockerFw.Cli.Commands;
using DockerFw.Cli.Workflows;

namespace DockerFw.Cli.Output;

/// <summary><c>trace --format text</c>, then the notices as reach ends with them, made printable (no control characters from rule text).</summary>
internal sealed class TraceTextFormatter : IResultFormatter<TraceRun>
{
    public string Name => "text";

    public void Write(TraceRun run, TextWriter output) => output.Write(Printable.Of((run.Trace is { } trace
        ? TraceText.Render(trace, run.Connection, run.Path, run.Route)
        : $"verdict: DROP\nroute: {run.Route!.Describe()}\n") + TraceText.Notices(run.Notices)));
}

/// <summary><c>trace --format json</c>.</summary>
internal sealed class TraceJsonFormatter : IResultFormatter<TraceRun>
{
    public string Name => "json";

    public void Write(TraceRun run, TextWriter output) =>
        output.Write(run.Trace is { } trace ? TraceJson.Render(trace, run.Connection, run.Route, run.Notices) : TraceJson.RenderRoutingDrop(run.Route!, run.Notices));
}
