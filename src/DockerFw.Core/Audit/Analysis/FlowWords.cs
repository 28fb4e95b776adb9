namespace DockerFw.Core.Audit.Analysis;

/// <summary>An allowed flow in a finding's words: <c>tcp/80</c>, <c>udp</c>, <c>all</c>, with its destinations when narrowed.</summary>
public static class FlowWords
{
    public static string Of(AllowedFlow f)
    {
        var what = f.Ports is null ? f.Protocol : $"{f.Protocol}/{f.Ports}";
        var to = f.Destinations is null ? "" : $" to {f.Destinations}";
        var kind = f.Kind == "one-way" ? " (one-way: replies blocked)" : "";
        var maybe = f.Possible ? " (possibly)" : "";
        return what + to + kind + maybe;
    }
}
