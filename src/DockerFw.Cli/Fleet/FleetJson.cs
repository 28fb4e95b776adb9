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
    public const string Schema = "dockerfw.fleet/v2";

    /// <param name="full">Every cell listed (<c>--full</c>); else the matrices grouped (<see cref="CompactMatrix"/>).</param>
    public static void Write(FleetReport report, TextWriter output, bool full = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("schema", Schema);
            json.WriteString("form", full ? "full" : "compact");
            json.WriteStartArray("hosts");
            var routed = report.Routed.ToHashSet();
            foreach (var host in report.Hosts) Host(json, host, routed);
            json.WriteEndArray();
            var cells = new FleetJsonCells(json, buffer, output);
            if (full)
            {
                cells.Full("networks", report.Networks);
                cells.Full("containers", report.Containers);
            }
            else
            {
                cells.Compact("networks", report.Networks);
                cells.Compact("containers", report.Containers);
            }

            // Only when two hosts are swarm nodes (a key added in v2: the other fleets' reports are unchanged).
            if (!report.Swarm.IsEmpty) Ports(json, "swarm", report.Swarm);
            // Likewise only when two hosts run Weave Net.
            if (!report.Weave.IsEmpty) Ports(json, "weave", report.Weave);
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

    private static void Ports(Utf8JsonWriter json, string key, IEnumerable<PeerPortCell> cells)
    {
        json.WriteStartArray(key);
        foreach (var cell in cells)
        {
            json.WriteStartObject();
            json.WriteString("from_host", cell.Sender.Name);
            json.WriteString("to_host", cell.Receiver.Name);
            json.WriteString("source", IpAddressValue.Format(cell.Source, IpFamily.V4));
            json.WriteString("destination", IpAddressValue.Format(cell.Destination, IpFamily.V4));
            json.WriteString("protocol", cell.Port.Protocol == Protocol.Tcp ? "tcp" : "udp");
            json.WriteNumber("port", cell.Port.Port);
            json.WriteString("purpose", cell.Port.Purpose);
            json.WriteString("outcome", Outcome(cell.Outcome));
            json.WriteStartArray("decisions");
            foreach (var d in cell.Decisions)
            {
                json.WriteStartObject();
                json.WriteString("host", d.Host);
                json.WriteString("stage", d.Stage switch
                {
                    LegStage.SenderOutput => "sender_output",
                    LegStage.ReceiverReplyOutput => "receiver_reply_output",
                    LegStage.SenderReplyInput => "sender_reply_input",
                    _ => "receiver_input",
                });
                json.WriteString("rule", d.Rule);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            Nullable(json, "reason", cell.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void Host(Utf8JsonWriter json, HostSummary host, HashSet<FleetNetwork> routed)
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
            json.WriteBoolean("routed", routed.Contains(n));
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

    public static string Outcome(CellOutcome outcome) => outcome switch
    {
        CellOutcome.Reachable => "reachable", CellOutcome.Blocked => "blocked", CellOutcome.Partial => "partial", _ => "uncertain",
    };

    public static void Nullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }
}
