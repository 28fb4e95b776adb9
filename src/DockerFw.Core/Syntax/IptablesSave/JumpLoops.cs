using DockerFw.Core.Text;

namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The jumps and gotos of one table block, and the loops among them. The kernel refuses a table in
/// which a built-in chain reaches a loop (ELOOP, "Too many links": x_tables' mark_source_chains and
/// nf_tables' loop check both walk from the hooks), and takes a loop nothing reaches; so does this.
/// One depth-first walk over the edges: linear in chains plus jumps.
/// </summary>
/// <remarks>
/// Each chain is one node holding its edges and the walks' marks, so a walk over a kube-proxy table
/// (tens of thousands of chains) needs no dictionary or set of names of its own: those were 10 MB.
/// </remarks>
internal sealed class JumpLoops
{
    private sealed class Node(string name)
    {
        public string Name { get; } = name;

        /// <summary>Null until the chain jumps somewhere; from one slot, as most chains of a large dump jump to one or two others.</summary>
        public List<Edge>? Out { get; set; }

        /// <summary>In the loop walk: 1 on the current path, 2 done with no loop below it.</summary>
        public int State { get; set; }

        /// <summary>Bit i: the chain is reached from root i of <see cref="MarkReachable"/>.</summary>
        public int Reached { get; set; }
    }

    // The rule's line span and the column of the chain name: no span allocated per jump.
    private readonly record struct Edge(Node To, SourceSpan Line, int Column);

    private readonly Dictionary<string, Node> nodes = new(StringComparer.Ordinal);
    private Node? lastFrom;

    private Node NodeOf(string chain)
    {
        if (!nodes.TryGetValue(chain, out var node)) nodes[chain] = node = new Node(chain);
        return node;
    }

    public void Add(string from, string to, SourceSpan line, int column)
    {
        // A dump lists a chain's rules together; the pooled name is the same instance.
        if (!ReferenceEquals(from, lastFrom?.Name)) lastFrom = NodeOf(from);
        (lastFrom!.Out ??= new List<Edge>(1)).Add(new Edge(NodeOf(to), line, column));
    }

    /// <summary>
    /// The first loop reached from <paramref name="roots"/> (built-in chains, in order): the jump that
    /// closes it and its chains, first chain repeated at the end; null when there is none.
    /// </summary>
    public (SourceSpan At, IReadOnlyList<string> Cycle)? FindReachable(IEnumerable<string> roots)
    {
        if (nodes.Count == 0) return null;
        foreach (var node in nodes.Values) node.State = 0;
        var path = new List<Node>();
        var stack = new Stack<(Node Chain, int Next)>();
        foreach (var rootName in roots)
        {
            if (!nodes.TryGetValue(rootName, out var root) || root.State != 0) continue;
            stack.Push((root, 0));
            root.State = 1;
            path.Add(root);
            while (stack.Count > 0)
            {
                var (chain, next) = stack.Pop();
                var outgoing = chain.Out;
                if (outgoing is null || next >= outgoing.Count)
                {
                    chain.State = 2;
                    path.RemoveAt(path.Count - 1);
                    continue;
                }

                stack.Push((chain, next + 1));
                var edge = outgoing[next];
                var seen = edge.To.State;
                if (seen == 1)
                {
                    var cycle = path.Skip(path.LastIndexOf(edge.To)).Append(edge.To).Select(n => n.Name).ToList();
                    return (edge.Line.AtColumn(edge.Column), cycle);
                }

                if (seen == 2) continue;
                edge.To.State = 1;
                path.Add(edge.To);
                stack.Push((edge.To, 0));
            }
        }

        return null;
    }

    /// <summary>
    /// Marks the chains each of <paramref name="roots"/> (at most 31) reaches through jumps and gotos,
    /// itself included; <see cref="ReachedFrom"/> then tells which roots reach a chain.
    /// </summary>
    public void MarkReachable(IReadOnlyList<string> roots)
    {
        foreach (var node in nodes.Values) node.Reached = 0;
        var stack = new Stack<Node>();
        for (var i = 0; i < roots.Count; i++)
        {
            var bit = 1 << i;
            var root = NodeOf(roots[i]);
            root.Reached |= bit;
            stack.Push(root);
            while (stack.Count > 0)
            {
                if (stack.Pop().Out is not { } outgoing) continue;
                foreach (var edge in outgoing)
                {
                    if ((edge.To.Reached & bit) != 0) continue;
                    edge.To.Reached |= bit;
                    stack.Push(edge.To);
                }
            }
        }
    }

    /// <summary>Bit i set: root i of the last <see cref="MarkReachable"/> reaches <paramref name="chain"/>.</summary>
    public int ReachedFrom(string chain) => nodes.TryGetValue(chain, out var node) ? node.Reached : 0;
}
