namespace DockerFw.Core.Semantics;

/// <summary>
/// The answer to "does this condition hold for this packet?" when the dump cannot always tell:
/// an ipset without its members, a rate limit, a random draw.
/// </summary>
public enum Truth
{
    False,
    Maybe,
    True,
}

public static class TruthExtensions
{
    public static Truth From(bool value) => value ? Truth.True : Truth.False;

    /// <summary>Negation keeps "maybe": not knowing whether it matches is not knowing whether it does not.</summary>
    public static Truth Not(this Truth truth) => truth switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Maybe,
    };

    public static Truth NegateIf(this Truth truth, bool negated) => negated ? truth.Not() : truth;
}
