using System.Text.Json;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>The overlay section: swarm mode on this host, written only when the host shows some of it.</summary>
internal sealed partial class AuditJsonFormatter
{
    private static void WriteOverlay(Utf8JsonWriter json, OverlayReport? overlay, AuditRun run)
    {
        if (overlay is null) return;
        json.WriteStartObject("overlay");
        if (overlay.Node is { } node)
        {
            json.WriteStartObject("node");
            json.WriteString("state", node.State);
            json.WriteBoolean("manager", node.Manager);
            NullableString(json, "address", node.Address);
            Strings(json, "peers", node.Peers);
            json.WriteNumber("data_path_port", node.DataPathPort);
            json.WriteBoolean("data_path_port_assumed", node.DataPathPortAssumed);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("node");
        }

        json.WriteStartArray("ports");
        foreach (var port in overlay.Ports)
        {
            json.WriteStartObject();
            json.WriteString("protocol", port.Protocol);
            NullableNumber(json, "port", port.Port);
            json.WriteString("direction", port.Direction);
            json.WriteString("purpose", port.Purpose);
            NullableString(json, "network", port.Network);
            json.WriteString("verdict", port.Verdict);
            NullableString(json, "blocked_peers", port.BlockedPeers);
            WriteDecidedBy(json, port.DecidedBy, run);
            Strings(json, "doubts", port.Doubts);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("networks");
        foreach (var network in overlay.Networks)
        {
            json.WriteStartObject();
            json.WriteString("name", network.Name);
            json.WriteStartArray("vnis");
            foreach (var vni in network.Vnis) json.WriteNumberValue(vni);
            json.WriteEndArray();
            json.WriteBoolean("encrypted", network.Encrypted);
            json.WriteBoolean("ingress", network.Ingress);
            NullableBool(json, "cleartext_dropped", network.CleartextDropped);
            WriteDecidedBy(json, network.DecidedBy, run);
            Strings(json, "doubts", network.Doubts);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("ingress_ports");
        foreach (var port in overlay.IngressPorts)
        {
            json.WriteStartObject();
            json.WriteString("protocol", port.Protocol);
            json.WriteString("ports", port.Ports);
            json.WriteString("to", port.To);
            json.WriteString("verdict", port.Verdict);
            // A partial port says who gets in, with the published ports' keys; absent otherwise.
            if (port.Partial is { } partial)
            {
                NullableString(json, "reached_from", partial.Sources);
                NullableString(json, "reached_on", partial.HostAddresses);
                if (partial.KeptOut is { } kept) json.WriteString("kept_out", kept);
            }

            WriteDecidedBy(json, port.DecidedBy, run);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (overlay.Gwbridge is { } gw)
        {
            json.WriteStartObject("gwbridge");
            NullableBool(json, "declared_icc", gw.Declared);
            json.WriteBoolean("docker_intent_icc", GwbridgeReport.DockerIntent);
            WriteSetting(json, "icc", gw.Effective);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("gwbridge");
        }

        json.WriteEndObject();
    }

    private static void WriteDecidedBy(Utf8JsonWriter json, IEnumerable<Evidence> rules, AuditRun run) => Rules(json, "decided_by", rules, run);
}
