using System.Runtime.InteropServices;

namespace DockerFw.Cli.Live;

/// <summary>Whether dockerfw runs as root. Behind an interface so tests can stand in for an ordinary user.</summary>
internal interface IPrivilege
{
    bool IsRoot { get; }
}

internal sealed class ProcessPrivilege : IPrivilege
{
    public bool IsRoot => geteuid() == 0;

    [DllImport("libc")]
    private static extern uint geteuid();
}
