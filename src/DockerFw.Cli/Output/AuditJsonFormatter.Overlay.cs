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

        WriteJudged(json, "ports", overlay.Ports, port => (port.DecidedBy, port.Doubts), run, port =>
        {
            json.WriteString("protocol", port.Protocol);
            NullableNumber(json, "port", port.Port);
            json.WriteString("direction", port.Direction);
            json.WriteString("purpose", port.Purpose);
            NullableString(json, "network", port.Network);
            json.WriteString("verdict", port.Verdict);
            NullableString(json, "blocked_peers", port.BlockedPeers);
        });
        WriteJudged(json, "networks", overlay.Networks, network => (network.DecidedBy, network.Doubts), run, network =>
        {
            json.WriteString("name", network.Name);
            json.WriteStartArray("vnis");
            foreach (var vni in network.Vnis) json.WriteNumberValue(vni);
            json.WriteEndArray();
            json.WriteBoolean("encrypted", network.Encrypted);
            json.WriteBoolean("ingress", network.Ingress);
            NullableBool(json, "cleartext_dropped", network.CleartextDropped);
        });
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
                if (partial.Interfaces is { } via) json.WriteString("reached_via", via);
                if (partial.KeptOut is { } kept) json.WriteString("kept_out", kept);
            }

            // The replies of the connections that get in, with the published ports' keys; absent when every one comes back.
            if (port.RepliesDropped is { } dropped) json.WriteString("replies_dropped", dropped);
            if (port.RepliesUnrouted is { } unrouted) json.WriteString("replies_unrouted", unrouted);
            if (port.RepliesUncertain is { } uncertain) json.WriteString("replies_uncertain", uncertain);
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

    /// <summary>
    /// An array of facts the engine judged: each object's own fields, then the rules that decided it
    /// (<c>decided_by</c>) and why it could not be decided (<c>doubts</c>).
    /// </summary>
    private static void WriteJudged<T>(
        Utf8JsonWriter json, string name, IEnumerable<T> facts, Func<T, (IEnumerable<Evidence> DecidedBy, IEnumerable<string> Doubts)> judgement, AuditRun run, Action<T> fields)
    {
        json.WriteStartArray(name);
        foreach (var fact in facts)
        {
            json.WriteStartObject();
            fields(fact);
            var (decidedBy, doubts) = judgement(fact);
            WriteDecidedBy(json, decidedBy, run);
            Strings(json, "doubts", doubts);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteDecidedBy(Utf8JsonWriter json, IEnumerable<Evidence> rules, AuditRun run) => Rules(json, "decided_by", rules, run);
}
