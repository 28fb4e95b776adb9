using System.Collections.Immutable;
using DockerFw.Core.Docker;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Input;

/// <summary>Docker's view read from <c>--docker</c> files, merged, with every diagnostic; usable only when <see cref="Succeeded"/>.</summary>
internal sealed record LoadedDockerView(DockerView? View, ImmutableArray<Diagnostic> Diagnostics)
{
    public bool Succeeded => !Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Reads each <c>--docker FILE</c> (the JSON of <c>docker network inspect</c> and/or <c>docker inspect</c>,
/// <c>-</c> for stdin) and merges them into one view. No file: no view, and the audit infers one.
/// </summary>
internal sealed class DockerViewLoader(StandardStreams streams)
{
    public LoadedDockerView Load(IEnumerable<string> files, bool strict)
    {
        DockerView? view = null;
        var diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        foreach (var file in files)
        {
            var (text, name) = file == "-" ? (BoundedRead.Text(streams.In, InputLimits.DockerJson, DumpLoader.StdinName, "Docker JSON"), DumpLoader.StdinName) : (ReadFile(file), file);
            var result = DockerInspectReader.Read(text, name);
            if (strict) result = result.Strict();
            diagnostics.AddRange(result.Diagnostics);
            if (result.Value is { } read) view = view is null ? read : view.Merge(read);
        }

        return new LoadedDockerView(view, diagnostics.ToImmutable());
    }

    private static string ReadFile(string path) => BoundedRead.Text(path, InputLimits.DockerJson, "Docker JSON");
}
