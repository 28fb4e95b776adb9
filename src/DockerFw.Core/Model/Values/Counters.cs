namespace DockerFw.Core.Model.Values;

/// <summary>Packet and byte counters; unsigned 64-bit as the kernel keeps them.</summary>
public sealed record Counters(ulong Packets, ulong Bytes)
{
    public static Counters Zero { get; } = new(0, 0);

    public override string ToString() => $"[{Packets}:{Bytes}]";
}
