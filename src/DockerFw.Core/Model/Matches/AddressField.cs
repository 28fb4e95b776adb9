namespace DockerFw.Core.Model.Matches;

/// <summary>Which header address or port a condition tests.</summary>
public enum AddressField
{
    Source,
    Destination,
}

public enum Direction
{
    In,
    Out,
}
