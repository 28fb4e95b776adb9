using DockerFw.Tests;

namespace DockerFw.Cli.Tests.Support;

/// <summary>nft listings (the JSON of <c>nft -j list ruleset</c>) as files for <c>--nft</c>.</summary>
internal static class NftListing
{
    /// <summary>
    /// A corpus file of Docker 29's nftables backend (nft text, which dockerfw does not read) loaded
    /// into <paramref name="netns"/> and listed back as JSON by the kernel, in a temporary file.
    /// </summary>
    public static string OfDocker29(string file, TestNamespace netns)
    {
        // nft 1.0.6 knows the name dstnat only on prerouting; on the output hook it is the number -100.
        var text = File.ReadAllText(Corpus.PathOf("docker", file)).Replace("hook output priority dstnat", "hook output priority -100");
        return Write(netns.LoadNft(text));
    }

    /// <summary>
    /// A native <c>inet guard</c> table whose forward chain, at priority 10 (after iptables' filter
    /// table), drops TCP port 80 with a rule of handle 7.
    /// </summary>
    public static string Guard() => Write("""
        {"nftables": [
          {"table": {"family": "inet", "name": "guard", "handle": 1}},
          {"chain": {"family": "inet", "table": "guard", "name": "forward", "handle": 2, "type": "filter", "hook": "forward", "prio": 10, "policy": "accept"}},
          {"rule": {"family": "inet", "table": "guard", "chain": "forward", "handle": 7, "expr": [
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 80}}, {"drop": null}]}}
        ]}
        """);

    private static string Write(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dfwcli-nft-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
