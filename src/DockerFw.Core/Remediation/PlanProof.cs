using System.Collections.Immutable;
using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Semantics;
using DockerFw.Core.Semantics.Connections;
using DockerFw.Core.Text;

namespace DockerFw.Core.Remediation;

/// <summary>
/// A plan proves itself: on the after-state, the concrete semantics engine connects every pair of
/// containers on bridge networks, on each port the policy names and on one it does not, and each
/// answer must be the policy's. A disagreement names the pair, the port and the rule that decided.
/// Published-port restrictions are not proved here yet.
/// </summary>
internal static class PlanProof
{
    // A port no example allows: stands for "every other port".
    private const int OtherPort = 1;

    private static readonly EvaluationContext Bridged = EvaluationContext.Unknown with { BridgeNetfilter = true };

    public static ImmutableArray<Diagnostic> Check(Ruleset after, ResolvedPolicy policy)
    {
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();
        var members = policy.Members;
        foreach (var from in members)
        {
            foreach (var to in members.Where(m => m != from))
            {
                foreach (var (port, expected) in Expectations(policy, from, to))
                {
                    var packet = new Packet(IpFamily.V4, from.Address, to.Address, port.Protocol.Number,
                        SourcePort: 40000, DestinationPort: port.Ports.First,
                        InInterface: from.Network.Bridge, OutInterface: to.Network.Bridge);
                    var result = ConnectionEvaluator.Evaluate(after, packet, PacketPath.Forward, Bridged);
                    if (result.Reachability == expected) continue;
                    var decidedBy = result.Outcomes.Select(o => o.Reply?.DecidedBy ?? o.Request.DecidedBy).FirstOrDefault(r => r is not null);
                    problems.Add(PolicyMessages.PlanDisproved(new SourceSpan(policy.File, 1, 1),
                        $"{Describe(from)} -> {Describe(to)} {port} is {Word(result.Reachability)}, not {Word(expected)}"
                        + (decidedBy is null ? "" : $" (decided by {decidedBy})")));
                }
            }
        }

        return problems.ToImmutable();
    }

    /// <summary>What the policy says of one ordered pair, port by port; the audit judges a host by the same claims.</summary>
    internal static IEnumerable<(PortSpec Port, Reachability Expected)> Expectations(ResolvedPolicy policy, ContainerOnNetwork from, ContainerOnNetwork to)
    {
        var tcp = new Protocol(Protocol.Tcp, "tcp");
        var other = new PortSpec(tcp, PortRange.Single(OtherPort));
        var fallback = policy.DockerUserDefault switch
        {
            DockerUserDefault.Accept => (Reachability?)Reachability.Reachable,
            DockerUserDefault.Drop => Reachability.Blocked,
            _ => null,
        };

        if (from.Network.Id == to.Network.Id)
        {
            var network = policy.PolicyOf(from.Network);
            foreach (var pair in network?.Exceptions.Where(e => e.From.Container.Id == from.Container.Id && e.To.Container.Id == to.Container.Id) ?? [])
                yield return (pair.Port ?? other, Reachability.Reachable);
            var icc = network?.Icc ?? from.Network.EnableIcc;
            if (network?.Exceptions.Any(e => e.From.Container.Id == from.Container.Id && e.To.Container.Id == to.Container.Id && e.Port is null) != true)
                yield return (other, fallback ?? (icc ? Reachability.Reachable : Reachability.Blocked));
            yield break;
        }

        var exceptions = policy.Exceptions.Where(e => e.From.Id == from.Network.Id && e.To.Id == to.Network.Id).ToList();
        foreach (var exception in exceptions) yield return (exception.Port ?? other, Reachability.Reachable);
        if (!exceptions.Any(e => e.Port is null)) yield return (other, fallback ?? Reachability.Blocked);
    }

    private static string Describe(ContainerOnNetwork member) => $"'{member.Container.Name}' on '{member.Network.Name}'";

    private static string Word(Reachability? reachability) => reachability switch
    {
        Reachability.Reachable => "reachable",
        Reachability.OneWay => "one-way",
        Reachability.Blocked => "blocked",
        _ => "uncertain",
    };
}
