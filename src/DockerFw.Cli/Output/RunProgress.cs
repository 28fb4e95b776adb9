using Spectre.Console;

namespace DockerFw.Cli.Output;

/// <summary>
/// What a long run is doing (a large host's audit takes seconds to minutes), shown on standard error
/// only while standard error is a terminal: a spinner, the phase and its time, redrawn in place and
/// cleared when the run ends. In a pipe or a file (CI logs, scripts, <c>2&gt;errors.txt</c>) nothing is
/// written, and standard output never carries it, so a report piped on (<c>--format json | jq</c>)
/// reads the same with a terminal or without. Spectre.Console draws it.
/// </summary>
internal sealed class RunProgress(StandardStreams streams)
{
    /// <summary>The phase of every command that reads a host: its rules, Docker's view, settings.</summary>
    public const string Reading = "reading the rules and Docker's view";

    /// <summary>
    /// Runs <paramref name="work"/> with <paramref name="phase"/> shown. Nothing may write to standard
    /// error meanwhile (the spinner would be drawn over it): diagnostics are written after.
    /// </summary>
    public T Run<T>(string phase, Func<T> work) => Run(phase, _ => work());

    /// <summary>As above; the work is given an action that changes the phase shown (a fleet's host after host).</summary>
    public T Run<T>(string phase, Func<Action<string>, T> work)
    {
        if (!streams.ErrorIsTerminal) return work(_ => { });
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            // Decided above: stderr is a terminal. Spectre's own detection would fall back to writing
            // each phase as a line, which is what a pipe must not get.
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(streams.Error),
        });
        return console.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(phase));
                task.IsIndeterminate = true;
                // Drawn now rather than at the first tick: a phase is shown however short it is.
                context.Refresh();
                return work(next =>
                {
                    task.Description = Markup.Escape(next);
                    context.Refresh();
                });
            });
    }
}
