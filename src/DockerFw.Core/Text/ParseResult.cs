using System.Collections.Immutable;

namespace DockerFw.Core.Text;

/// <summary>
/// Bad input is a value, not an exception: the reader returns what it understood together with
/// every diagnostic. <see cref="Value"/> is null only when an error made the input unusable.
/// </summary>
public sealed record ParseResult<T>(T? Value, ImmutableArray<Diagnostic> Diagnostics)
    where T : class
{
    public bool Succeeded => Value is not null && !Diagnostics.Any(d => d.IsError);

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError);

    /// <summary>Applies <c>--strict</c>: every warning becomes an error.</summary>
    public ParseResult<T> Strict() =>
        this with { Diagnostics = Diagnostics.Select(d => d.AsError()).ToImmutableArray() };
}
