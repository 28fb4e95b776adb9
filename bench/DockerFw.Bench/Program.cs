using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using DockerFw.Bench;
using DockerFw.Core.Syntax.IptablesSave;

// generate FILE N: writes the kube-proxy-like dump. shape NAME FILE N: one of the timed shapes
// (Shapes/DumpShapes.cs); ipsets N: the set names the ipset shape of N rules needs. docker-host FILE N: writes the N-bridge Docker
// host of the matrix benchmark as iptables-save text (the audit's performance input). swarm-host FILE N: a swarm node with N services published by the routing mesh (SwarmMeshHost.cs). roundtrip FILE OUT: reads and writes it once, as a
// whole process to time next to iptables-restore --test. reach FILE: the whole FORWARD query, timed by phase, with its counts. snapshot FILE: the snapshot of a dump, timed by phase. fleet-bundles DIR N [NETWORKS [RACK]]: a generated fleet's bundles (Fleet/); fleet DIR: fleet on them, timed by phase. audit FILE [DOCKER-JSON]: the audit, timed by phase. Anything else goes to BenchmarkDotNet.
switch (args)
{
    case ["generate", var file, var count]:
        File.WriteAllText(file, KubeProxyDump.Generate(int.Parse(count, CultureInfo.InvariantCulture)));
        return 0;
    case ["shape", var shape, var file, var count]:
        File.WriteAllText(file, DockerFw.Bench.Shapes.DumpShapes.Generate(shape, int.Parse(count, CultureInfo.InvariantCulture)));
        return 0;
    case ["ipsets", var count]:
        foreach (var set in DockerFw.Bench.Shapes.DumpShapes.SetNames(int.Parse(count, CultureInfo.InvariantCulture))) Console.WriteLine(set);
        return 0;
    case ["docker-host", var file, var count]:
        File.WriteAllText(file, IptablesSaveWriter.Write(ReachDockerHost.Build(int.Parse(count, CultureInfo.InvariantCulture)), includeCounters: false));
        return 0;
    case ["swarm-host", var file, var count]:
        File.WriteAllText(file, SwarmMeshHost.Generate(int.Parse(count, CultureInfo.InvariantCulture)));
        return 0;
    case ["scale", var kind, var file, var count]:
        // The scaling table's inputs (docs/performance.md): docker-json N networks, nft-json N bridges, policy N statements (over 200 networks).
        var n = int.Parse(count, CultureInfo.InvariantCulture);
        File.WriteAllText(file, kind switch
        {
            "docker-json" => DockerFw.Bench.Scaling.ScaleInputs.DockerJson(n),
            "nft-json" => DockerFw.Bench.Scaling.ScaleInputs.NftJson(n),
            "policy" => DockerFw.Bench.Scaling.ScaleInputs.Policy(n, 200),
            _ => throw new ArgumentException($"unknown input kind {kind}"),
        });
        return 0;
    case ["alloc", var file, .. var top]:
        return DockerFw.Bench.Shapes.AllocationProfile.Run(file, top is [var shown] ? int.Parse(shown) : 25);
    case ["model-size", var file]:
        return DockerFw.Bench.Shapes.ModelSize.Run(file);
    case ["roundtrip", var file, var output]:
        var clock = Stopwatch.StartNew();
        var result = IptablesSaveReader.Read(File.ReadAllText(file), file);
        var read = clock.Elapsed;
        File.WriteAllText(output, IptablesSaveWriter.Write(result.Value!));
        Console.Error.WriteLine(
            $"read {read.TotalMilliseconds:F0} ms, read+write {clock.Elapsed.TotalMilliseconds:F0} ms, " +
            $"{result.Value!.Rules.Count()} rules, {result.Diagnostics.Length} diagnostics, " +
            $"GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms), " +
            $"allocated {GC.GetTotalAllocatedBytes() >> 20} MB, JIT {System.Runtime.JitInfo.GetCompiledMethodCount()} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms");
        return result.Succeeded ? 0 : 2;
    case ["fleet-bundles", var directory, var hosts, .. var rest]:
        // The fleet benchmark's input (docs/performance.md): N hosts' bundles, 50 networks each, racks of 10 unless told.
        DockerFw.Bench.Fleet.FleetBundleGenerator.Write(directory, int.Parse(hosts, CultureInfo.InvariantCulture),
            rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 50, rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 10);
        return 0;
    case ["fleet", var directory]:
        return DockerFw.Bench.Fleet.FleetProfile.Run(directory);
    case ["audit", var file, .. var docker]:
        return AuditProfile.Run(file, docker.FirstOrDefault());
    case ["reach", var file]:
        return ReachProfile.Run(file);
    case ["plan", var policy, var file, var docker]:
        return PlanProfile.Run(policy, file, docker);
    case ["snapshot", var file]:
        return SnapshotProfile.Run(file);
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
}
