namespace DockerFw.Cli;

/// <summary>
/// A failure the user can act on (a file that cannot be read, iptables-save that cannot run). The
/// top-level handler prints its message as one line and exits 2; no stack trace.
/// </summary>
internal sealed class CliFailure(string message) : Exception(message);
