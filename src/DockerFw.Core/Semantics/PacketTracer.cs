using System.Runtime.CompilerServices;
using DockerFw.Core.Model;
using DockerFw.Core.Semantics.Evaluation;

namespace DockerFw.Core.Semantics;

/// <summary>
/// Concrete evaluation: what a ruleset does to one packet on one path through the host, with the
/// rules the kernel would count. The algorithm is described in docs/semantics.md.
/// </summary>
public static class PacketTracer
{
    // Keyed by reference: a ruleset is compiled once however often it is traced.
    private static readonly ConditionalWeakTable<Ruleset, CompiledRuleset> Compiled = new();

    public static TraceResult Trace(Ruleset ruleset, Packet packet, PacketPath path, EvaluationContext? context = null) =>
        Trace(Compiled.GetValue(ruleset, CompiledRuleset.Compile), packet, path, context);

    public static TraceResult Trace(CompiledRuleset ruleset, Packet packet, PacketPath path, EvaluationContext? context = null) =>
        new TraceEngine(ruleset, context ?? EvaluationContext.Unknown, packet).Run(path);
}
