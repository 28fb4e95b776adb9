namespace DockerFw.Core.Model.Values;

/// <summary>An inclusive port range; iptables writes it <c>lo:hi</c>, or <c>lo</c> when single.</summary>
public sealed record PortRange
{
    public PortRange(int first, int last)
    {
        if (first < 0 || last > 65535 || first > last)
            throw new ArgumentOutOfRangeException(nameof(first), $"invalid port range {first}:{last}");
        First = first;
        Last = last;
    }

    public int First { get; }

    public int Last { get; }

    public static PortRange All { get; } = new(0, 65535);

    public static PortRange Single(int port) => new(port, port);

    public bool IsAll => First == 0 && Last == 65535;

    public bool Contains(int port) => port >= First && port <= Last;

    public string Format(char separator) => First == Last ? $"{First}" : $"{First}{separator}{Last}";

    public override string ToString() => Format(':');
}
