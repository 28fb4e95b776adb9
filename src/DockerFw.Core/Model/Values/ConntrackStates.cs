namespace DockerFw.Core.Model.Values;

/// <summary>Conntrack states in the order iptables-save prints them.</summary>
[Flags]
public enum ConntrackStates
{
    None = 0,
    Invalid = 1,
    New = 2,
    Related = 4,
    Established = 8,
    Untracked = 16,
    Snat = 32,
    Dnat = 64,
}

public static class ConntrackStatesText
{
    private static readonly (ConntrackStates State, string Name)[] Order =
    [
        (ConntrackStates.Invalid, "INVALID"), (ConntrackStates.New, "NEW"), (ConntrackStates.Related, "RELATED"),
        (ConntrackStates.Established, "ESTABLISHED"), (ConntrackStates.Untracked, "UNTRACKED"),
        (ConntrackStates.Snat, "SNAT"), (ConntrackStates.Dnat, "DNAT"),
    ];

    public static IReadOnlyList<string> Names { get; } = Order.Select(o => o.Name).ToArray();

    public static string Format(ConntrackStates states) =>
        string.Join(',', Order.Where(o => states.HasFlag(o.State)).Select(o => o.Name));

    public static bool TryParseOne(string name, out ConntrackStates state)
    {
        foreach (var (s, n) in Order)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }

        state = ConntrackStates.None;
        return false;
    }
}
