using System.Globalization;

namespace DockerFw.Lab.Tests.Oracle;

/// <summary>
/// A policy written for a scenario and applied with <c>dockerfw apply</c>: <see cref="Network"/> gets
/// <c>icc off</c> with one allowed pair (<see cref="Client"/> to <see cref="Server"/> on tcp
/// <see cref="Port"/>), and perhaps one published port restricted (<see cref="Publish"/>). Then it is
/// partly undone: the jump from DOCKER-USER deleted (<see cref="UndoJump"/>), or one rule of
/// dockerfw's chain (<see cref="UndoRule"/>, taken modulo the chain's length when applied).
/// </summary>
public sealed record PolicySpec(string Network, string Client, string Server, int Port, PublishRestriction? Publish, bool UndoJump, int UndoRule)
{
    public string Text =>
        $"network {Network} {{\n  icc off;\n  allow {Client} -> {Server} tcp/{Port.ToString(CultureInfo.InvariantCulture)};\n}}\n" +
        (Publish is null ? "" : Publish.Statement + "\n");

    public string Undo => UndoJump ? "delete DOCKER-USER's jump to DOCKERFW-POLICY" : $"delete rule {UndoRule.ToString(CultureInfo.InvariantCulture)} (mod its length) of DOCKERFW-POLICY";

    public override string ToString() => Text.ReplaceLineEndings(" ").Trim() + "; then " + Undo;
}

/// <summary>
/// <c>publish CONTAINER tcp/HOST_PORT from CIDR</c> (<see cref="On"/> false) or <c>on ADDRESS</c>:
/// the published port answers only to those clients, or only on that host address.
/// </summary>
public sealed record PublishRestriction(string Container, int HostPort, string Address, bool On)
{
    public string Statement => $"publish {Container} tcp/{HostPort.ToString(CultureInfo.InvariantCulture)} {(On ? "on" : "from")} {Address}";

    /// <summary>Whether the policy lets a client at <paramref name="source"/> in on host address <paramref name="destination"/>.</summary>
    public bool Lets(System.Net.IPAddress source, System.Net.IPAddress destination) =>
        On ? destination.ToString() == Address : System.Net.IPNetwork.Parse(Address).Contains(source);
}
