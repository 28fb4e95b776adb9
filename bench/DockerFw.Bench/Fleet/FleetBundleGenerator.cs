using DockerFw.Cli.Capture;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Bench.Fleet;

/// <summary>
/// Writes the bundles of a generated fleet (<see cref="FleetHostShape"/>) into a directory, one
/// <c>host-NNNN.tar.gz</c> per host, each taken by dockerfw's own capture from a <see cref="GeneratedHost"/>
/// at a fixed time: the same arguments give the same bundles, byte for byte.
/// </summary>
internal static class FleetBundleGenerator
{
    private static readonly DateTimeOffset Time = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);

    public static void Write(string directory, int hosts, int networks, int rackSize)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < hosts; i++)
        {
            var shape = new FleetHostShape(i, hosts, networks, rackSize);
            var host = new GeneratedHost(shape);
            var captured = new HostCapture(host, host, new DockerEnvironment(null), host, new FixedClock()).Take(InputOptions.Live);
            if (!captured.Notices.IsEmpty) throw new InvalidOperationException($"{shape.Name}: {string.Join("; ", captured.Notices)}");
            BundleWriter.Write(Path.Combine(directory, shape.Name + Bundle.Extension), captured.Manifest with { Host = shape.Name }, captured.Files, Time);
        }
    }

    private sealed class FixedClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Time;
    }
}
