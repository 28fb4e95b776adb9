using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DockerFw.Cli.Capture;
using DockerFw.Cli.Tests.Support;

namespace DockerFw.Cli.Tests.Capture;

/// <summary>
/// What a bundle holds (files named for what they are, a manifest that indexes and hashes them) and
/// what `--bundle` refuses: a changed file, a name or link that leaves the bundle, a question the
/// bundle cannot answer.
/// </summary>
public sealed class BundleFormatTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"dfw-bundle-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private string Capture(string name = "bundle")
    {
        var output = Path.Combine(folder, name);
        var host = new SampleHost();
        var run = Dockerfw.Run(["capture", output], stdin: "", host.Register);
        Assert.True(run.ExitCode == 0, run.ToString());
        return output;
    }

    private static JsonElement Manifest(string bundle) => JsonDocument.Parse(File.ReadAllText(Path.Combine(bundle, "manifest.json"))).RootElement.Clone();

    [Fact]
    public void Files_are_named_for_what_they_hold_and_the_manifest_hashes_each()
    {
        var bundle = Capture();
        var manifest = Manifest(bundle);

        var files = manifest.GetProperty("files").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString());
        Assert.Superset(new HashSet<string>
        {
            "iptables-save.txt", "iptables-save.txt.stderr", "ip6tables-save.txt", "nft-ruleset.json", "ip-addr.json", "ip-link.json",
            "ip-route-v4.json", "ip-route-v6.json", "ip-rule-v4.json", "ip-rule-v6.json", "sysctls.txt", "ss-listening.txt", "ps-proxies.txt",
            "docker/networks.json", "docker/containers.json", "docker/info.json", "docker/version.json",
            "docker/networks/9c93ba76092b095c1fd08d2d52905eb9d3ecd7d65b3486a251d50a8c9d3b2c3a.json",
        }, files.Keys.ToHashSet());
        // Every file on disk but the manifest is listed, with the SHA-256 of its bytes.
        var onDisk = Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(bundle, f)).Where(f => f != "manifest.json");
        Assert.Equal(onDisk.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(bundle, f.Key)))), f.Value));

        Assert.Equal(1, manifest.GetProperty("schema").GetInt32());
        Assert.Equal(Environment.MachineName, manifest.GetProperty("host").GetString());
        Assert.StartsWith("dockerfw ", manifest.GetProperty("tool").GetString());
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("time").GetString(), out _));
        Assert.Equal("# Warning: a comment iptables-nft prints on stderr\n", File.ReadAllText(Path.Combine(bundle, "iptables-save.txt.stderr")));
    }

    [Fact]
    public void The_index_maps_each_command_line_and_engine_request_to_its_file()
    {
        var manifest = Manifest(Capture());

        var commands = manifest.GetProperty("commands").EnumerateArray().ToDictionary(
            c => string.Join(' ', c.GetProperty("command").EnumerateArray().Select(w => w.GetString())), c => c.GetProperty("stdout").GetString());
        Assert.Equal("iptables-save.txt", commands["iptables-save"]);
        Assert.Equal("ip-link.json", commands["ip -d -j link show"]);
        Assert.Equal("ip-rule-v6.json", commands["ip -6 -j rule show"]);
        Assert.Equal("ps-proxies.txt", commands["ps -ww -o pid=,args= -p 4242"]);
        var requests = manifest.GetProperty("engine_requests").EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!, r => r.GetProperty("file").GetString());
        Assert.Equal("docker/containers.json", requests["containers/json?all=1"]);
        Assert.Equal("docker/info.json", requests["info"]);
        Assert.True(manifest.GetProperty("engine_sockets").GetProperty("/var/run/docker.sock").GetBoolean());
        Assert.True(manifest.GetProperty("installed").GetProperty("ss").GetBoolean());
    }

    [Fact]
    public void A_file_changed_after_the_capture_is_an_error_naming_it()
    {
        var bundle = Capture();
        var dump = Path.Combine(bundle, "iptables-save.txt");
        File.WriteAllText(dump, File.ReadAllText(dump).Replace("-A DOCKER-USER -j RETURN", "-A DOCKER-USER -j ACCEPT"));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dump)));

        var run = Dockerfw.Run("audit", "--bundle", bundle);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dockerfw: error: {bundle}: iptables-save.txt was changed after the capture (its SHA-256 is {sha256}, the manifest says "
            + $"{Manifest(bundle).GetProperty("files").GetProperty("iptables-save.txt").GetString()}); capture the host again rather than edit a bundle\n", run.Error);
    }

    /// <summary>
    /// dockerfw before the policy rules had their own names wrote them under commands/ (the name any
    /// other command gets); its manifest maps the command to that file, and a bundle reads by the manifest.
    /// </summary>
    [Fact]
    public void A_bundle_that_holds_the_policy_rules_under_their_older_name_still_answers_them()
    {
        var bundle = Capture();
        const string older = "commands/ip--4--j-rule-show.txt";
        Directory.CreateDirectory(Path.Combine(bundle, "commands"));
        File.Move(Path.Combine(bundle, "ip-rule-v4.json"), Path.Combine(bundle, older));
        var manifest = Path.Combine(bundle, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"ip-rule-v4.json\"", $"\"{older}\"", StringComparison.Ordinal));

        var rules = new ReplayCommandRunner(BundleReader.Read(bundle)).Run("ip", ["-4", "-j", "rule", "show"]);

        Assert.Equal((0, new SampleHost().Run("ip", ["-4", "-j", "rule", "show"]).Stdout), (rules.ExitCode, rules.Stdout));
        Assert.Equal(Dockerfw.Run("snapshot", "--bundle", Capture("fresh")).ToString(), Dockerfw.Run("snapshot", "--bundle", bundle).ToString());
    }

    [Fact]
    public void A_directory_and_its_tar_gz_give_the_same_bundle()
    {
        var directory = Capture("bundle");
        var archive = Capture("bundle.tar.gz");

        using var tar = new TarReader(new GZipStream(File.OpenRead(archive), CompressionMode.Decompress));
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            if (entry.Name != "manifest.json")
                // An empty file (a command that printed nothing, e.g. grep finding no subnet.env) has no data stream.
                Assert.Equal(File.ReadAllBytes(Path.Combine(directory, entry.Name)), entry.DataStream is null ? [] : new BinaryReader(entry.DataStream).ReadBytes((int)entry.Length));
        }

        // The manifest first: a reader that streams meets the index before the files.
        Assert.Equal("manifest.json", names[0]);
        Assert.Equal(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Count(), names.Count);
        Assert.Equal(Dockerfw.Run("snapshot", "--bundle", directory).ToString(), Dockerfw.Run("snapshot", "--bundle", archive).ToString());
    }

    [Fact]
    public void A_tar_gz_of_the_directory_made_with_tar_reads_too()
    {
        var directory = Capture("bundle");
        var archive = Path.Combine(folder, "by-tar.tar.gz");
        // `tar czf by-tar.tar.gz bundle`: every name under bundle/, directories as members.
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            TarFile.CreateFromDirectory(directory, gzip, includeBaseDirectory: true);

        Assert.Equal(Dockerfw.Run("snapshot", "--bundle", directory).ToString(), Dockerfw.Run("snapshot", "--bundle", archive).ToString());
    }

    [Fact]
    public void A_command_the_bundle_holds_no_answer_to_is_an_error_naming_it()
    {
        var bundle = Capture();
        var manifest = Path.Combine(bundle, "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        var commands = json["commands"]!.AsArray();
        commands.Remove(commands.Single(c => c!["stdout"]!.GetValue<string>() == "ss-listening.txt"));
        File.WriteAllText(manifest, json.ToJsonString());

        var run = Dockerfw.Run("audit", "--bundle", bundle);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"dockerfw: error: {bundle}: the bundle holds no output of 'ss -Hltunp'; it was captured by dockerfw ", run.Error);
    }

    [Fact]
    public void A_link_inside_a_directory_bundle_is_refused()
    {
        var bundle = Capture();
        var outside = Path.Combine(folder, "outside.txt");
        File.Copy(Path.Combine(bundle, "ip-link.json"), outside);
        File.Delete(Path.Combine(bundle, "ip-link.json"));
        File.CreateSymbolicLink(Path.Combine(bundle, "ip-link.json"), outside);

        var run = Dockerfw.Run("audit", "--bundle", bundle);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dockerfw: error: {bundle}: ip-link.json is reached through a symbolic link ({Path.Combine(bundle, "ip-link.json")}): a bundle's files stay inside it; refusing the bundle\n", run.Error);
    }

    [Fact]
    public void A_manifest_naming_a_file_outside_the_bundle_is_refused()
    {
        var bundle = Capture();
        var manifest = Path.Combine(bundle, "manifest.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"ip-link.json\"", "\"../ip-link.json\""));

        var run = Dockerfw.Run("audit", "--bundle", bundle);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dockerfw: error: {bundle}: '../ip-link.json' is a path with an empty, '.' or '..' part: a bundle's files stay inside it; refusing the bundle\n", run.Error);
    }

    public static TheoryData<string, TarEntryType, string> HostileMembers => new()
    {
        { "../escape.txt", TarEntryType.RegularFile, "'../escape.txt' is a path with an empty, '.' or '..' part: a bundle's files stay inside it; refusing the bundle" },
        { "/etc/escape.txt", TarEntryType.RegularFile, "'/etc/escape.txt' is an absolute path: a bundle's files stay inside it; refusing the bundle" },
        { "docker/../../escape.txt", TarEntryType.RegularFile, "'docker/../../escape.txt' is a path with an empty, '.' or '..' part: a bundle's files stay inside it; refusing the bundle" },
        { "ip-link.json", TarEntryType.SymbolicLink, "'ip-link.json' is a SymbolicLink member, not a file: a bundle holds files only; refusing the bundle" },
        { "ip-link.json", TarEntryType.HardLink, "'ip-link.json' is a HardLink member, not a file: a bundle holds files only; refusing the bundle" },
        { "ip-addr.json", TarEntryType.RegularFile, "ip-addr.json is in the archive twice; refusing the bundle" },
    };

    [Theory]
    [MemberData(nameof(HostileMembers))]
    public void A_hostile_tar_gz_is_refused_naming_the_member(string name, TarEntryType type, string message)
    {
        var directory = Capture();
        var archive = Path.Combine(folder, "hostile.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var member in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                tar.WriteEntry(member, Path.GetRelativePath(directory, member));
            var hostile = new PaxTarEntry(type, name);
            if (type is TarEntryType.SymbolicLink or TarEntryType.HardLink) hostile.LinkName = "/etc/passwd";
            else hostile.DataStream = new MemoryStream(Encoding.UTF8.GetBytes("[]"));
            tar.WriteEntry(hostile);
        }

        var run = Dockerfw.Run("audit", "--bundle", archive);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dockerfw: error: {archive}: {message}\n", run.Error);
    }

    [Fact]
    public void A_member_larger_than_the_limit_is_refused_before_a_byte_of_it_is_read()
    {
        // A ustar header that claims 4 GiB of data, followed by none: a gzip bomb's first step.
        var header = new byte[512];
        Encoding.ASCII.GetBytes("iptables-save.txt").CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(4L << 30, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        Encoding.ASCII.GetBytes("        ").CopyTo(header, 148);
        var checksum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        Directory.CreateDirectory(folder);
        var archive = Path.Combine(folder, "bomb.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            gzip.Write(header);

        var run = Dockerfw.Run("audit", "--bundle", archive);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"dockerfw: error: {archive}: iptables-save.txt is larger than the 1024 MiB dockerfw reads as a bundle file (see docs/cli.md, limits); is it the right file?\n", run.Error);
    }

    [Fact]
    public void Something_that_is_no_bundle_says_so()
    {
        Directory.CreateDirectory(folder);
        var text = Path.Combine(folder, "notes.tar.gz");
        File.WriteAllText(text, "not gzip");

        var missing = Dockerfw.Run("audit", "--bundle", Path.Combine(folder, "missing"));
        var notGzip = Dockerfw.Run("audit", "--bundle", text);
        var empty = Dockerfw.Run("audit", "--bundle", folder);

        Assert.Equal($"dockerfw: error: no bundle at {Path.Combine(folder, "missing")}: give the directory or the .tar.gz that dockerfw capture wrote\n", missing.Error);
        Assert.StartsWith($"dockerfw: error: {text} is not a readable .tar.gz bundle: ", notGzip.Error);
        Assert.Equal($"dockerfw: error: {folder} holds no manifest.json: is it a bundle written by dockerfw capture?\n", empty.Error);
        Assert.All(new[] { missing, notGzip, empty }, run => Assert.Equal(2, run.ExitCode));
    }
}
