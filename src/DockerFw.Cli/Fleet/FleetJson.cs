using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Fleet;

/// <summary>The fleet report as JSON (docs/fleet.md, schema docs/fleet.schema.json).</summary>
internal static class FleetJson
{
    /// <summary>Bumped when a key is renamed or removed or its meaning changes; adding keys keeps it.</summary>
    public const string Schema = "dockerfw.fleet/v1";

    public static void Write(FleetReport report, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            json.WriteStartArray("hosts");
            foreach (var host in report.Hosts) Host(json, host, report);
            json.WriteEndArray();
            json.WriteStartArray("networks");
            foreach (var cell in report.Networks) Cell(json, cell, buffer, output);
            json.WriteEndArray();
            json.WriteStartArray("containers");
            foreach (var cell in report.Containers) Cell(json, cell, buffer, output);
            json.WriteEndArray();
            json.WriteStartArray("findings");
            foreach (var f in report.Findings)
            {
                json.WriteStartObject();
                json.WriteString("code", f.Code.Code);
                json.WriteString("check", f.Code.Check);
                json.WriteString("severity", f.Code.Severity.ToString().ToLowerInvariant());
                json.WriteString("title", f.Code.Title);
                json.WriteStartArray("hosts");
                foreach (var h in f.Hosts) json.WriteStringValue(h);
                json.WriteEndArray();
                json.WriteString("message", f.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static void Host(Utf8JsonWriter json, HostSummary host, FleetReport report)
    {
        json.WriteStartObject();
        json.WriteString("name", host.Name);
        json.WriteStartArray("networks");
        foreach (var n in host.Networks)
        {
            json.WriteStartObject();
            json.WriteString("name", n.Name);
            json.WriteString("bridge", n.Bridge);
            json.WriteString("subnet", n.Subnet.ToString());
            json.WriteBoolean("routed", report.Routed.Contains(n));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("containers");
        foreach (var c in host.Containers)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Name);
            json.WriteString("network", c.Network.Name);
            json.WriteString("address", IpAddressValue.Format(c.Address, IpFamily.V4));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Each cell is handed on once a chunk's worth is written: the cells are judged as they are written, not held.
    private static void Cell(Utf8JsonWriter json, FleetCell cell, MemoryStream buffer, TextWriter output)
    {
        json.Flush();
        if (buffer.Length >= 256 * 1024)
        {
            output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            buffer.SetLength(0);
        }

        var way = cell.Spec.Way;
        json.WriteStartObject();
        json.WriteString("from", cell.From);
        json.WriteString("to", cell.To);
        json.WriteString("from_host", cell.Spec.Sender.Name);
        json.WriteString("to_host", cell.Spec.Receiver.Name);
        json.WriteString("outcome", Outcome(cell.Outcome));
        json.WriteBoolean("masqueraded", cell.Masqueraded);
        json.WriteStartObject("way");
        json.WriteString("kind", way.Kind switch
        {
            WayKind.Tunnel => "tunnel", WayKind.Routed => "routed", WayKind.OwnBridge => "own_bridge", WayKind.NoRoute => "no_route", _ => "elsewhere",
        });
        Nullable(json, "route", way.Route?.ToString());
        Nullable(json, "out_device", way.OutDevice);
        Nullable(json, "peer_in_device", way.PeerInDevice);
        if (way.Outer is { } outer)
        {
            json.WriteStartObject("outer");
            json.WriteString("source", IpAddressValue.Format(outer.Source, IpFamily.V4));
            json.WriteString("destination", IpAddressValue.Format(outer.Destination, IpFamily.V4));
            json.WriteNumber("protocol", outer.Protocol);
            if (outer.Port is { } port) json.WriteNumber("port", port);
            else json.WriteNull("port");
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("outer");
        }

        json.WriteString("reason", way.Reason);
        json.WriteEndObject();
        json.WriteStartArray("parts");
        foreach (var part in cell.Parts)
        {
            json.WriteStartObject();
            json.WriteString("outcome", Outcome(part.Outcome));
            json.WriteString("packets", part.PacketsText);
            json.WriteStartArray("decisions");
            foreach (var d in part.Decisions)
            {
                json.WriteStartObject();
                json.WriteString("host", d.Host);
                json.WriteString("stage", d.Stage switch
                {
                    LegStage.SenderForward => "sender_forward", LegStage.SenderOutput => "sender_output",
                    LegStage.ReceiverInput => "receiver_input", LegStage.ReceiverForward => "receiver_forward", _ => "route",
                });
                json.WriteString("rule", d.Rule);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Nullable(json, "nat", part.Nat);
            Nullable(json, "reason", part.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Outcome(CellOutcome outcome) => outcome switch
    {
        CellOutcome.Reachable => "reachable", CellOutcome.Blocked => "blocked", CellOutcome.Partial => "partial", _ => "uncertain",
    };

    private static void Nullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
