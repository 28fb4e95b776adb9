namespace DockerFw.Core.Semantics;

/// <summary>
/// The way a packet crosses the host, named after the filter hook that decides it:
/// forwarded (PREROUTING, FORWARD, POSTROUTING), delivered locally (PREROUTING, INPUT) or sent by a
/// local process (OUTPUT, POSTROUTING).
/// </summary>
public enum PacketPath
{
    Forward,
    Input,
    Output,
}
