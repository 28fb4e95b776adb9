using System.Collections.Immutable;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Text;

namespace DockerFw.Core.Policy;

/// <summary>A name as written in a policy file, with where it was written (for "does not resolve" errors).</summary>
public sealed record PolicyName(string Text, SourceSpan At)
{
    public override string ToString() => Text;
}

/// <summary>
/// <c>tcp/8080</c>, <c>udp/53</c>, <c>tcp/8000-8100</c> or no port at all (every protocol and port).
/// </summary>
public sealed record PortSpec(Protocol Protocol, PortRange Ports)
{
    public override string ToString() => $"{Protocol.Name}/{Ports.Format('-')}";
}

/// <summary>One statement of a policy file; closed set, dispatched with switch expressions.</summary>
public abstract record PolicyStatement(SourceSpan At);

/// <summary>
/// <c>allow A -> B [tcp/PORT]</c>: at top level A and B are networks (an exception to bridge isolation);
/// inside a network block they are containers on that network (an exception to icc off).
/// </summary>
public sealed record AllowStatement(PolicyName From, PolicyName To, PortSpec? Port, SourceSpan At) : PolicyStatement(At);

/// <summary>
/// <c>link CLIENT -> SERVER</c> inside a network block: keep Docker's legacy link (<c>--link</c>) from
/// CLIENT to SERVER, the server's exposed ports and the replies from them, as Docker opens it.
/// </summary>
public sealed record LinkStatement(PolicyName Client, PolicyName Server, SourceSpan At) : PolicyStatement(At);

/// <summary><c>network NAME { icc on|off; masquerade on|off; allow ...; link ...; }</c>.</summary>
public sealed record NetworkBlock(
    PolicyName Network,
    Setting? Icc,
    Setting? Masquerade,
    ImmutableArray<AllowStatement> Allows,
    SourceSpan At) : PolicyStatement(At)
{
    /// <summary>Settings written again after the first, reported as errors by the resolver.</summary>
    public ImmutableArray<Setting> RepeatedSettings { get; init; } = [];

    /// <summary>The legacy links the block keeps.</summary>
    public ImmutableArray<LinkStatement> Links { get; init; } = [];
}

/// <summary>An <c>on|off</c> value with where it was written.</summary>
public sealed record Setting(bool On, SourceSpan At);

/// <summary>Whether a <c>publish</c> statement restricts host addresses (<c>on</c>) or client sources (<c>from</c>).</summary>
public enum PublishRestriction
{
    OnHostAddresses,
    FromSources,
}

/// <summary>
/// <c>publish CONTAINER tcp/PORT on ADDR[, ADDR]</c> or <c>... from CIDR[, CIDR]</c>: the published port
/// answers only on those host addresses, or only to those clients.
/// </summary>
public sealed record PublishStatement(
    PolicyName Container,
    PortSpec Port,
    PublishRestriction Restriction,
    ImmutableArray<AddressMask> Addresses,
    SourceSpan At) : PolicyStatement(At);

/// <summary>What DOCKER-USER does with traffic the policy does not decide.</summary>
public enum DockerUserDefault
{
    Return,
    Accept,
    Drop,
}

/// <summary><c>docker-user default return|accept|drop</c>.</summary>
public sealed record DockerUserStatement(DockerUserDefault Default, SourceSpan At) : PolicyStatement(At);

/// <summary>A parsed policy file, before its names are resolved against a Docker view.</summary>
public sealed record PolicyDocument(string File, ImmutableArray<PolicyStatement> Statements);
