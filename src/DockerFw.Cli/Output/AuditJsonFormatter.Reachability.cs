using System.Collections.Immutable;
using System.Text.Json;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>The matrices: <c>reachability</c>, <c>reachability_v6</c> and <c>containers_reachability</c>.</summary>
internal sealed partial class AuditJsonFormatter
{
    /// <summary>
    /// A matrix as its networks and the pairs that are not denied; every other ordered pair of distinct
    /// networks is <c>unlisted</c> (denied, no flows). Null when the family was not judged.
    /// </summary>
    private static void WriteMatrix(Utf8JsonWriter json, string name, ReachabilityMatrix? matrix)
    {
        if (matrix is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        Strings(json, "networks", matrix.Networks);
        json.WriteString("unlisted", ReportWords.Of(ReachabilityVerdict.Denied));
        WriteArray(json, "pairs", matrix.Listed, WriteReachability);
        json.WriteEndObject();
    }

    private static void WriteReachability(Utf8JsonWriter json, ReachabilityEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("from", entry.From);
        json.WriteString("to", entry.To);
        json.WriteString("verdict", ReportWords.Of(entry.Verdict));
        WriteFlows(json, entry.Flows);
        // Written only when a multi-homed destination answers by its own routes: absent means the request's way back.
        if (entry.ReplyWay is { } way) json.WriteString("reply_way", way);
        json.WriteEndObject();
    }

    /// <summary>Null when <c>--containers</c> was not given, so "not asked" differs from "no containers".</summary>
    private static void WriteContainers(Utf8JsonWriter json, ImmutableArray<ContainerReachabilityEntry>? entries)
    {
        if (entries is not { } all)
        {
            json.WriteNull("containers_reachability");
            return;
        }

        json.WriteStartArray("containers_reachability");
        foreach (var entry in all)
        {
            json.WriteStartObject();
            json.WriteString("from", entry.From);
            json.WriteString("from_network", entry.FromNetwork);
            json.WriteString("from_address", entry.FromAddress);
            json.WriteString("to", entry.To);
            json.WriteString("to_network", entry.ToNetwork);
            json.WriteString("to_address", entry.ToAddress);
            json.WriteString("verdict", ReportWords.Of(entry.Verdict));
            WriteFlows(json, entry.Flows);
            NullableString(json, "reply_way", entry.ReplyWay);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteFlows(Utf8JsonWriter json, ImmutableArray<AllowedFlow> flows)
    {
        json.WriteStartArray("flows");
        foreach (var flow in flows)
        {
            json.WriteStartObject();
            json.WriteString("protocol", flow.Protocol);
            NullableString(json, "ports", flow.Ports);
            // Written only when the flow holds for some ICMP types (a drop of timestamp replies): absent means every one, or no ICMP.
            if (flow.IcmpTypes is { } types) json.WriteString("icmp_types", types);
            // Written only when the flow holds for some source ports: absent means any.
            if (flow.SourcePorts is { } sources) json.WriteString("source_ports", sources);
            // Written only when the flow holds for some of the sources asked about (oracle F34): absent means every one.
            if (flow.Sources is { } from) json.WriteString("sources", from);
            NullableString(json, "destinations", flow.Destinations);
            // Written only when the flow leaves by some of the interfaces asked (masquerade's -o eth0): absent means every one.
            if (flow.Via is { } via) json.WriteString("via", via);
            json.WriteString("kind", flow.Kind);
            json.WriteBoolean("possible", flow.Possible);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
