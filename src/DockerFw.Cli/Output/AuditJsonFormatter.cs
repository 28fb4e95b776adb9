using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>--format json</c>: the documented contract of docs/audit-json.md (schema docs/audit.schema.json).
/// snake_case keys in a fixed order; absent values are null, never left out.
/// </summary>
internal sealed partial class AuditJsonFormatter : IAuditFormatter
{
    /// <summary>
    /// Bumped when a key is renamed or removed or its meaning changes; adding keys keeps it. v2: the
    /// matrices are objects listing the pairs that are not denied (docs/audit-json.md).
    /// </summary>
    public const string Schema = "dockerfw.audit/v3";

    public string Name => "json";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // Rule text is full of ! < > ' that the default encoder would write as \u0021 and friends.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            WriteRun(json, run);
        }

        output.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }

    private static void WriteRun(Utf8JsonWriter json, AuditRun run)
    {
        var report = run.Report;
        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteStartObject("tool");
        json.WriteString("name", "dockerfw");
        json.WriteString("version", run.ToolVersion);
        json.WriteEndObject();
        json.WriteStartArray("inputs");
        foreach (var input in run.Inputs)
        {
            json.WriteStartObject();
            json.WriteString("kind", input.Kind);
            json.WriteString("name", input.Name);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("sysctls");
        foreach (var (key, value) in run.Sysctls) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteBoolean("inferred", report.ViewInferred);
        WriteSummary(json, report);
        json.WriteStartArray("networks");
        foreach (var network in report.Networks) WriteNetwork(json, network);
        json.WriteEndArray();
        WriteMatrix(json, "reachability", report.Reachability);
        WriteMatrix(json, "reachability_v6", report.ReachabilityV6);
        WriteContainers(json, report.ContainersReachability);
        WriteArray(json, "published_ports", report.PublishedPorts, WritePort);
        WriteArrayOrNull(json, "published_ports_v6", report.PublishedPortsV6, WritePort);
        WriteArray(json, "links", report.Links, WriteLink);
        WriteArrayOrNull(json, "links_v6", report.LinksV6, WriteLink);
        WriteOverlay(json, report.Overlay, run);

        WriteDockerUser(json, report.DockerUser);
        json.WriteStartArray("findings");
        foreach (var finding in report.Findings) WriteFinding(json, finding, run);
        json.WriteEndArray();
        if (report.Intended is { } intended)
        {
            json.WriteStartArray("intended");
            foreach (var finding in intended) WriteFinding(json, finding, run);
            json.WriteEndArray();
        }

        Strings(json, "notices", report.Notices);
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, AuditReport report)
    {
        json.WriteStartObject("summary");
        json.WriteNumber("findings", report.Findings.Length);
        NullableString(json, "worst", report.WorstSeverity is { } worst ? ReportWords.Of(worst) : null);
        json.WriteStartObject("by_severity");
        foreach (var severity in Enum.GetValues<FindingSeverity>().Reverse())
            json.WriteNumber(ReportWords.Of(severity), report.Findings.Count(f => f.Severity == severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNetwork(Utf8JsonWriter json, NetworkReport network)
    {
        json.WriteStartObject();
        json.WriteString("name", network.Name);
        NullableString(json, "bridge", network.Bridge);
        Strings(json, "subnets", network.Subnets);
        json.WriteBoolean("internal", network.Internal);
        json.WriteString("gateway_mode", network.GatewayMode);
        WriteSetting(json, "icc", network.Icc);
        WriteSetting(json, "masquerade", network.Masquerade);
        NullableString(json, "snat_to", network.SnatTo);
        // v3 addition (oracle F60): absent unless the NAT's address differs by way out (snat_to is null then).
        if (!network.SnatVia.IsEmpty)
            WriteArray(json, "snat_via", network.SnatVia, (j, w) =>
            {
                j.WriteStartObject();
                j.WriteString("via", w.Via);
                NullableString(j, "snat_to", w.SnatTo);
                j.WriteEndObject();
            });
        WriteSetting(json, "icc_v6", network.IccV6);
        WriteSetting(json, "masquerade_v6", network.MasqueradeV6);
        json.WriteEndObject();
    }

    private static void WriteSetting(Utf8JsonWriter json, string name, Setting? setting)
    {
        if (setting is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        NullableBool(json, "declared", setting.Declared);
        // "partial" with the flows when the setting holds for some packets only; the key is absent otherwise.
        if (setting.PartialFlows is not null) json.WriteString("effective", "partial");
        else NullableBool(json, "effective", setting.Effective);
        json.WriteBoolean("drifted", setting.Drifted);
        if (setting.PartialFlows is { } partial) WriteFlows(json, partial);
        // Masquerade only, absent when every reply comes back (oracle F35).
        if (setting.RepliesDropped is { } dropped) json.WriteString("replies_dropped", dropped);
        // Masquerade only, absent when every later packet of the connections out passes (oracle F38).
        if (setting.LaterDropped is { } later) json.WriteString("later_dropped", later);
        // Masquerade only, absent unless some replies die for some of the addresses the NAT may give only.
        if (setting.RepliesUncertain is { } uncertain) json.WriteString("replies_uncertain", uncertain);
        json.WriteEndObject();
    }

    private static void WriteArray<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartArray(name);
        foreach (var item in items) write(json, item);
        json.WriteEndArray();
    }

    /// <summary>An IPv6 list is null, not empty, when no IPv6 ruleset was judged.</summary>
    private static void WriteArrayOrNull<T>(Utf8JsonWriter json, string name, ImmutableArray<T>? items, Action<Utf8JsonWriter, T> write)
    {
        if (items is not { } present) json.WriteNull(name);
        else WriteArray(json, name, present, write);
    }

    private static void WritePort(Utf8JsonWriter json, PublishedPortReport port)
    {
        json.WriteStartObject();
        json.WriteString("protocol", port.Protocol);
        NullableString(json, "host_ip", port.HostIp);
        NullableNumber(json, "host_port", port.HostPort);
        json.WriteString("container_ip", port.ContainerIp);
        json.WriteNumber("container_port", port.ContainerPort);
        NullableString(json, "network", port.Network);
        NullableString(json, "container", port.Container);
        // "partial" with the clients and host addresses that get in (and what they would claim that is
        // kept out, when they do not say it all); those keys are absent otherwise.
        if (port.Partial is { } partial)
        {
            json.WriteString("filter_accepts", "partial");
            NullableString(json, "reached_from", partial.Sources);
            NullableString(json, "reached_on", partial.HostAddresses);
            // v2 addition (oracle F41): absent unless the answer differs by input interface.
            if (partial.Interfaces is { } via) json.WriteString("reached_via", via);
            if (partial.KeptOut is { } kept) json.WriteString("kept_out", kept);
            // v2 addition (oracle F58): absent unless some of the connections named only may get in.
            if (partial.Uncertain is { } maybe) json.WriteString("reached_uncertain", maybe);
        }
        else NullableBool(json, "filter_accepts", port.FilterAccepts);
        // Absent when every connection that gets in gets its replies (oracle F35).
        if (port.RepliesDropped is { } dropped) json.WriteString("replies_dropped", dropped);
        if (port.RepliesUnrouted is { } unrouted) json.WriteString("replies_unrouted", unrouted);
        if (port.RepliesUncertain is { } uncertain) json.WriteString("replies_uncertain", uncertain);
        // Absent when the later packets of every connection whose replies come back pass (oracle F38).
        if (port.LaterDropped is { } later) json.WriteString("later_dropped", later);
        // v3 addition (oracle F59): absent when every connection is NATed to the container; false when none
        // is (filter_accepts is then about the connections Docker's DNAT would make), "partial" with not_nated.
        if (port.Nated != ReachabilityVerdict.Allowed)
        {
            if (port.Nated == ReachabilityVerdict.Partial) json.WriteString("nated", "partial");
            else NullableBool(json, "nated", port.Nated is null ? null : false);
            if (port.NotNated is { } notNated) json.WriteString("not_nated", notNated);
        }

        json.WriteEndObject();
    }

    private static void WriteLink(Utf8JsonWriter json, LinkReport link)
    {
        json.WriteStartObject();
        json.WriteString("network", link.Network);
        json.WriteString("client_ip", link.ClientIp);
        json.WriteString("server_ip", link.ServerIp);
        json.WriteString("protocol", link.Protocol);
        json.WriteNumber("port", link.Port);
        NullableString(json, "client", link.Client);
        NullableString(json, "server", link.Server);
        NullableBool(json, "declared", link.Declared);
        // As for settings: "partial" with the flows when only some of the link's packets pass.
        if (link.PartialFlows is { } partial)
        {
            json.WriteString("effective", "partial");
            WriteFlows(json, partial);
        }
        else NullableBool(json, "effective", link.Open);
        json.WriteString("reverse", link.Reverse);
        json.WriteEndObject();
    }

    private static void WriteDockerUser(Utf8JsonWriter json, DockerUserReport? user)
    {
        if (user is null)
        {
            json.WriteNull("docker_user");
            return;
        }

        json.WriteStartObject("docker_user");
        json.WriteBoolean("chain_present", user.ChainPresent);
        NullableNumber(json, "jump_from_forward_position", user.JumpFromForwardPosition);
        json.WriteBoolean("jump_is_first", user.JumpIsFirst);
        Strings(json, "rules", user.Rules);
        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, Finding finding, AuditRun run)
    {
        json.WriteStartObject();
        json.WriteString("code", finding.Code.Code);
        json.WriteString("check", finding.Code.Check);
        json.WriteString("severity", ReportWords.Of(finding.Severity));
        json.WriteString("title", finding.Code.Title);
        json.WriteString("message", finding.Message);
        Strings(json, "networks", finding.Networks);
        Strings(json, "containers", finding.Containers);
        Rules(json, "evidence", finding.Evidence, run);
        if (finding.IntendedBy is { } by)
        {
            json.WriteStartObject("intended_by");
            json.WriteString("file", by.File);
            json.WriteNumber("line", by.Line);
            json.WriteString("statement", by.Statement);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static void NullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void NullableBool(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } v) json.WriteBoolean(name, v);
        else json.WriteNull(name);
    }

    private static void NullableNumber(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    /// <summary>
    /// Rules as evidence: where each is (table, chain, number, line, file) and what it did; a route
    /// (<see cref="Evidence.Route"/>) has no table, chain, number or line, and says itself in <c>route</c>.
    /// </summary>
    private static void Rules(Utf8JsonWriter json, string name, IEnumerable<Evidence> rules, AuditRun run)
    {
        json.WriteStartArray(name);
        foreach (var evidence in rules)
        {
            json.WriteStartObject();
            json.WriteString("kind", evidence.Route is null ? "rule" : "route");
            NullableString(json, "table", evidence.Route is null ? evidence.Table : null);
            NullableString(json, "chain", evidence.Route is null ? evidence.Chain : null);
            NullableNumber(json, "rule", evidence.Route is null ? evidence.Rule : null);
            NullableNumber(json, "line", evidence.Route is null ? evidence.Line : null);
            json.WriteString("text", evidence.Text);
            json.WriteString("role", evidence.Role);
            NullableString(json, "file", run.FileOf(evidence));
            if (evidence.Route is { } route)
            {
                json.WriteStartObject("route");
                json.WriteString("destination", route.Destination);
                json.WriteString("type", route.Type);
                NullableString(json, "device", route.Device);
                NullableString(json, "gateway", route.Gateway);
                NullableString(json, "table", route.Table);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("route");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
