namespace DockerFw.Core.Text;

public enum Severity
{
    Warning,
    Error,
}
