using DockerFw.Core.Model.Values;

namespace DockerFw.Core.Model.Matches;

/// <summary>
/// A condition iptables tests without loading a module (<c>-s -d -i -o -p -f</c>): the only kind a
/// core <see cref="MatchBlock"/> holds.
/// </summary>
public abstract record CoreMatch(bool Negated) : Match(Negated);

/// <summary><c>-s</c> / <c>-d</c>.</summary>
public sealed record AddressMatch(AddressField Field, AddressMask Value, bool Negated) : CoreMatch(Negated)
{
    public override string Option => Field == AddressField.Source ? "-s" : "-d";
}

/// <summary><c>-i</c> / <c>-o</c>.</summary>
public sealed record InterfaceMatch(Direction Direction, InterfacePattern Value, bool Negated) : CoreMatch(Negated)
{
    public override string Option => Direction == Direction.In ? "-i" : "-o";
}

/// <summary><c>-p</c>.</summary>
public sealed record ProtocolMatch(Protocol Value, bool Negated) : CoreMatch(Negated)
{
    public override string Option => "-p";
}

/// <summary><c>-f</c>: second and later fragments (IPv4 only).</summary>
public sealed record FragmentMatch(bool Negated) : CoreMatch(Negated)
{
    public override string Option => "-f";
}
