using System.Text;
using System.Text.Json;
using DockerFw.Core.Fleet;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Fleet;

/// <summary>
/// The matrices of the fleet JSON: every cell (<c>--full</c>), or the compact form, each row's cells
/// grouped by how they end with the first of each group in full (docs/fleet.md). The JSON is handed
/// on once a chunk's worth is written: the cells are judged as they are written, not held.
/// </summary>
internal sealed class FleetJsonCells(Utf8JsonWriter json, MemoryStream buffer, TextWriter output)
{
    public void Full(string name, IEnumerable<FleetCell> cells)
    {
        json.WriteStartArray(name);
        foreach (var cell in cells)
        {
            HandOn();
            Cell(cell);
        }

        json.WriteEndArray();
    }

    public void Compact(string name, IEnumerable<FleetCell> cells)
    {
        var outcomes = new int[4];
        var total = 0;
        json.WriteStartObject(name);
        json.WriteStartArray("rows");
        foreach (var row in CompactMatrix.Rows(cells))
        {
            HandOn();
            json.WriteStartObject();
            json.WriteString("from", row.From);
            json.WriteString("from_host", row.FromHost);
            json.WriteNumber("cells", row.Cells);
            json.WriteStartArray("groups");
            foreach (var group in row.Groups)
            {
                json.WriteStartObject();
                json.WriteString("outcome", FleetJson.Outcome(group.Outcome));
                json.WriteBoolean("masqueraded", group.Masqueraded);
                json.WriteString("way", WayKindName(group.Way));
                json.WriteNumber("cells", group.To.Length);
                // The many written as the few they leave out: a row of 999 cells split 990 and 9.
                var others = row.Groups.Length > 1 && 2 * group.To.Length > row.Cells;
                Names("to", others ? null : group.To);
                Names("to_except", others ? row.Groups.Where(g => g != group).SelectMany(g => g.To) : null);
                json.WritePropertyName("first");
                Cell(group.Example);
                json.WriteEndObject();
                outcomes[(int)group.Outcome] += group.To.Length;
            }

            json.WriteEndArray();
            json.WriteEndObject();
            total += row.Cells;
        }

        json.WriteEndArray();
        json.WriteNumber("cells", total);
        json.WriteStartObject("outcomes");
        foreach (var outcome in Enum.GetValues<CellOutcome>()) json.WriteNumber(FleetJson.Outcome(outcome), outcomes[(int)outcome]);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void Names(string name, IEnumerable<string>? names)
    {
        if (names is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var n in names) json.WriteStringValue(n);
        json.WriteEndArray();
    }

    private void HandOn()
    {
        json.Flush();
        if (buffer.Length < 256 * 1024) return;
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        buffer.SetLength(0);
    }

    public static string WayKindName(WayKind kind) => kind switch
    {
        WayKind.Tunnel => "tunnel", WayKind.Routed => "routed", WayKind.Bridged => "bridged", WayKind.OwnBridge => "own_bridge", WayKind.NoRoute => "no_route", _ => "elsewhere",
    };

    private void Cell(FleetCell cell)
    {
        var way = cell.Spec.Way;
        json.WriteStartObject();
        json.WriteString("from", cell.From);
        json.WriteString("to", cell.To);
        json.WriteString("from_host", cell.Spec.Sender.Name);
        json.WriteString("to_host", cell.Spec.Receiver.Name);
        json.WriteString("outcome", FleetJson.Outcome(cell.Outcome));
        json.WriteBoolean("masqueraded", cell.Masqueraded);
        json.WriteStartObject("way");
        json.WriteString("kind", WayKindName(way.Kind));
        FleetJson.Nullable(json, "route", way.Route?.ToString());
        FleetJson.Nullable(json, "out_device", way.OutDevice);
        FleetJson.Nullable(json, "peer_in_device", way.PeerInDevice);
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
            json.WriteString("outcome", FleetJson.Outcome(part.Outcome));
            json.WriteString("packets", part.PacketsText);
            json.WriteStartArray("decisions");
            foreach (var d in part.Decisions)
            {
                json.WriteStartObject();
                json.WriteString("host", d.Host);
                json.WriteString("stage", d.Stage switch
                {
                    LegStage.SenderForward => "sender_forward", LegStage.SenderOutput => "sender_output",
                    LegStage.ReceiverInput => "receiver_input", LegStage.ReceiverForward => "receiver_forward",
                    LegStage.ReceiverReply => "receiver_reply", LegStage.ReceiverReplyOutput => "receiver_reply_output",
                    LegStage.SenderReplyInput => "sender_reply_input", LegStage.SenderReply => "sender_reply",
                    LegStage.SenderLater => "sender_later", LegStage.ReceiverLater => "receiver_later", _ => "route",
                });
                json.WriteString("rule", d.Rule);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            FleetJson.Nullable(json, "nat", part.Nat);
            FleetJson.Nullable(json, "reason", part.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
