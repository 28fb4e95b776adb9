using System.Collections.Immutable;

namespace DockerFw.Core.Semantics.Evaluation;

/// <summary>
/// An append-only list shared between branches of a trace: appending allocates one node and leaves
/// every branch that holds an older tail untouched, so forking costs nothing.
/// </summary>
internal sealed class Trail<T>(T value, Trail<T>? previous)
{
    public T Value { get; } = value;

    public Trail<T>? Previous { get; } = previous;

    public static ImmutableArray<T> ToArray(Trail<T>? trail)
    {
        var items = new List<T>();
        for (var t = trail; t is not null; t = t.Previous) items.Add(t.Value);
        items.Reverse();
        return [.. items];
    }
}
