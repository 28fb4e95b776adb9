using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Semantics.Routing;
using static DockerFw.Cli.Commands.TracePacketText;

namespace DockerFw.Cli.Commands;

/// <summary>`dockerfw trace --format json`: the contract documented in docs/trace-json.md.</summary>
internal static class TraceJson
{
    /// <summary>Routing dropped the packet before any filter hook: no rule decided.</summary>
    public static string RenderRoutingDrop(RouteDecision route, IReadOnlyList<string>? notices = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("verdict", "DROP");
            json.WriteBoolean("certain", true);
            json.WriteStartArray("matched");
            json.WriteEndArray();
            json.WriteNull("packet");
            Route(json, route);
            Notices(json, notices);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Route(Utf8JsonWriter json, RouteDecision route)
    {
        json.WriteStartObject("route");
        json.WriteString("path", route.Path.ToString().ToUpperInvariant());
        if (route.In is null) json.WriteNull("in"); else json.WriteString("in", route.In);
        if (route.Out is null) json.WriteNull("out"); else json.WriteString("out", route.Out);
        if (route.Route is null) json.WriteNull("by"); else json.WriteString("by", route.Route.ToString());
        json.WriteBoolean("dropped", route.Dropped);
        json.WriteStartArray("notes");
        foreach (var note in route.Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // What the answer rests on that the dump does not hold (the doubts of Docker's view), last, as reach's key is named.
    private static void Notices(Utf8JsonWriter json, IReadOnlyList<string>? notices)
    {
        json.WriteStartArray("notices");
        foreach (var notice in notices ?? []) json.WriteStringValue(notice);
        json.WriteEndArray();
    }

    public static string Render(TraceResult trace, ConnectionResult? connection, RouteDecision? route = null, IReadOnlyList<string>? notices = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("verdict", trace.Certain ? Verdict(trace.Verdict!.Value) : "MAYBE");
            json.WriteBoolean("certain", trace.Certain);
            if (trace.Certain && trace.Outcomes.Select(o => o.RejectWith).Distinct().ToList() is [{ } with]) json.WriteString("rejectWith", with);
            Rules(json, "matched", trace.Matched);
            if (trace.Outcomes.Length == 1 && trace.Outcomes[0].MatchedOmitted > 0) json.WriteNumber("matchedOmitted", trace.Outcomes[0].MatchedOmitted);
            var packets = trace.Outcomes.Select(o => o.Packet).Distinct().ToList();
            if (packets.Count == 1) Packet(json, "packet", trace.Outcomes[0]);
            else json.WriteNull("packet");
            if (!trace.Certain || trace.Outcomes.Length > 1)
            {
                json.WriteStartArray("possible");
                foreach (var o in trace.Outcomes) Outcome(json, o);
                json.WriteEndArray();
            }

            if (connection is not null) Connection(json, connection);
            if (route is not null) Route(json, route);
            Notices(json, notices);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Outcome(Utf8JsonWriter json, TraceOutcome o)
    {
        json.WriteStartObject();
        json.WriteString("verdict", Verdict(o.Verdict));
        if (o.RejectWith is not null) json.WriteString("rejectWith", o.RejectWith);
        Rules(json, "matched", o.Matched);
        if (o.MatchedOmitted > 0) json.WriteNumber("matchedOmitted", o.MatchedOmitted);
        Packet(json, "packet", o);
        json.WriteStartArray("assumptions");
        foreach (var d in o.Doubts)
        {
            json.WriteStartObject();
            if (d.Rule is { } r) RuleFields(json, r);
            json.WriteString("reason", d.Reason);
            json.WriteBoolean("assumedMatch", d.AssumedMatch);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Rules(Utf8JsonWriter json, string name, IEnumerable<RuleRef> rules)
    {
        json.WriteStartArray(name);
        foreach (var r in rules)
        {
            json.WriteStartObject();
            RuleFields(json, r);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void RuleFields(Utf8JsonWriter json, RuleRef r)
    {
        json.WriteString("table", r.Table);
        json.WriteString("chain", r.Chain);
        json.WriteNumber("rule", r.Number);
        json.WriteNumber("line", r.Line);
        if (r.Handle is { } handle) json.WriteNumber("handle", handle);
        json.WriteString("text", r.Text);
    }

    private static void Packet(Utf8JsonWriter json, string name, TraceOutcome o)
    {
        var p = o.Packet;
        json.WriteStartObject(name);
        json.WriteString("family", p.Family == IpFamily.V4 ? "ipv4" : "ipv6");
        json.WriteString("src", Source(p));
        json.WriteString("dst", Destination(p));
        json.WriteString("proto", Protocol(p));
        if (p.SourcePort is not null || p.UnknownFields.HasFlag(PacketFields.SourcePort)) NumberOrNull(json, "sport", SourcePort(p));
        if (p.DestinationPort is not null || p.UnknownFields.HasFlag(PacketFields.DestinationPort)) NumberOrNull(json, "dport", DestinationPort(p));
        // The flags byte a TCP packet carries (SYN by default when NEW, ACK else; --tcp-flags), in reach's words.
        if (p.Protocol == DockerFw.Core.Model.Values.Protocol.Tcp) json.WriteString("flags", TcpFlagsText.Format(p.TcpFlags));
        if (p.IcmpType is { } type)
        {
            json.WriteNumber("icmpType", type);
            json.WriteNumber("icmpCode", p.IcmpCode ?? 0);
        }

        json.WriteString("in", p.InInterface);
        json.WriteString("out", p.OutInterface);
        if (p.PhysIn is not null) json.WriteString("physIn", p.PhysIn);
        if (p.PhysOut is not null) json.WriteString("physOut", p.PhysOut);
        json.WriteString("state", ConntrackStatesText.Format(p.State));
        json.WriteString("mark", p.UnknownFields.HasFlag(PacketFields.Mark) ? null : Mark(p.Mark));
        json.WriteString("connmark", p.UnknownFields.HasFlag(PacketFields.ConnMark) ? null : Mark(p.ConnMark));
        json.WriteStartArray("nat");
        foreach (var nat in o.Nat)
        {
            json.WriteStartObject();
            json.WriteString("kind", nat.Kind.ToString().ToUpperInvariant());
            json.WriteString("field", Field(nat.Field));
            json.WriteString("address", nat.Address is { } a ? IpAddressValue.Format(a, p.Family) : null);
            NumberOrNull(json, "port", nat.Port);
            if (nat.Rule is { } r)
            {
                json.WriteStartObject("rule");
                RuleFields(json, r);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }

    private static void Connection(Utf8JsonWriter json, ConnectionResult c)
    {
        json.WriteStartObject("connection");
        json.WriteString("reachability", c.Certain ? TraceText.Name(c.Reachability!.Value) : "maybe");
        json.WriteBoolean("certain", c.Certain);
        json.WriteStartArray("possible");
        foreach (var r in c.Possible) json.WriteStringValue(TraceText.Name(r));
        json.WriteEndArray();
        json.WriteStartArray("replies");
        foreach (var reply in c.Outcomes.Where(o => o.Reply is not null).Select(o => o.Reply!).Distinct()) Outcome(json, reply);
        json.WriteEndArray();
        // The request's later packets (oracle F38), present only where some does not pass.
        var laters = c.Outcomes.Where(o => o.Later is not null).Select(o => o.Later!).Distinct().ToList();
        if (laters.Any(l => l.Verdict != Core.Semantics.PacketVerdict.Accept))
        {
            json.WriteStartArray("later");
            foreach (var later in laters) Outcome(json, later);
            json.WriteEndArray();
        }

        json.WriteEndObject();
    }
}
