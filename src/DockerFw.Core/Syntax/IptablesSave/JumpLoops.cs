using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The jumps and gotos of one table block, and the loops among them. The kernel refuses a table in
/// which a built-in chain reaches a loop (ELOOP, "Too many links": x_tables' mark_source_chains and
/// nf_tables' loop check both walk from the hooks), and takes a loop nothing reaches; so does this.
/// One depth-first walk over the edges: linear in chains plus jumps.
/// </summary>
internal sealed class JumpLoops
{
    // The rule's line span and the column of the chain name: no span allocated per jump.
    private readonly record struct Edge(string To, SourceSpan Line, int Column);

    private readonly Dictionary<string, List<Edge>> edges = new(StringComparer.Ordinal);
    private string? lastFrom;
    private List<Edge>? lastList;

    public void Add(string from, string to, SourceSpan line, int column)
    {
        // A dump lists a chain's rules together; the pooled name is the same instance.
        if (!ReferenceEquals(from, lastFrom))
        {
            // From one slot: most chains of a large dump jump to one or two others.
            if (!edges.TryGetValue(from, out lastList)) edges[from] = lastList = new List<Edge>(1);
            lastFrom = from;
        }

        lastList!.Add(new Edge(to, line, column));
    }

    /// <summary>
    /// The first loop reached from <paramref name="roots"/> (built-in chains, in order): the jump that
    /// closes it and its chains, first chain repeated at the end; null when there is none.
    /// </summary>
    public (SourceSpan At, IReadOnlyList<string> Cycle)? FindReachable(IEnumerable<string> roots)
    {
        if (edges.Count == 0) return null;
        // 1: on the current path; 2: done, no loop below it.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var stack = new Stack<(string Chain, int Next)>();
        foreach (var root in roots)
        {
            if (state.ContainsKey(root)) continue;
            stack.Push((root, 0));
            state[root] = 1;
            path.Add(root);
            while (stack.Count > 0)
            {
                var (chain, next) = stack.Pop();
                var outgoing = edges.GetValueOrDefault(chain);
                if (outgoing is null || next >= outgoing.Count)
                {
                    state[chain] = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                stack.Push((chain, next + 1));
                var edge = outgoing[next];
                var seen = state.GetValueOrDefault(edge.To);
                if (seen == 1)
                {
                    var cycle = path.Skip(path.LastIndexOf(edge.To)).Append(edge.To).ToList();
                    return (edge.Line.AtColumn(edge.Column), cycle);
                }

                if (seen == 2) continue;
                state[edge.To] = 1;
                path.Add(edge.To);
                stack.Push((edge.To, 0));
            }
        }

        return null;
    }

    /// <summary>The chains <paramref name="root"/> reaches through jumps and gotos, itself included.</summary>
    public HashSet<string> ReachableFrom(string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root };
        var stack = new Stack<string>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            if (edges.GetValueOrDefault(stack.Pop()) is not { } outgoing) continue;
            foreach (var edge in outgoing)
                if (seen.Add(edge.To)) stack.Push(edge.To);
        }

        return seen;
    }
}
