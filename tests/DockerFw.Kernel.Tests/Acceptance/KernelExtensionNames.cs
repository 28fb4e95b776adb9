using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// The extension names the reader takes as loadable are the ones this machine's iptables-legacy-restore
/// loads: every library of the xtables directory is probed as <c>-m NAME</c> and <c>-j NAME</c> in each
/// family, and the names restore finds must be exactly XtablesExtensions' iptables names. A typo of a
/// module or a target (the acceptance fuzz's <c>-m ipr3ange</c>, <c>-j DnAT</c>) is refused by both.
/// </summary>
public sealed class KernelExtensionNames
{
    private static readonly string[] LibraryDirectories = ["/usr/lib/x86_64-linux-gnu/xtables", "/usr/lib/aarch64-linux-gnu/xtables", "/usr/lib/xtables", "/usr/lib64/xtables"];

    /// <summary>Every name a library of the xtables directory could provide (libxt_tcp.so: tcp).</summary>
    private static IEnumerable<string> Candidates()
    {
        var directory = LibraryDirectories.First(Directory.Exists);
        return Directory.EnumerateFiles(directory, "*.so")
            .Select(file => Path.GetFileNameWithoutExtension(file))
            .Where(name => name.StartsWith("libxt_", StringComparison.Ordinal) || name.StartsWith("libipt_", StringComparison.Ordinal) || name.StartsWith("libip6t_", StringComparison.Ordinal))
            .Select(name => name[(name.IndexOf('_') + 1)..])
            .Distinct()
            .Order(StringComparer.Ordinal);
    }

    private static SortedSet<string> Loaded(Netns netns, IpFamily family, bool target)
    {
        var tool = family == IpFamily.V6 ? "ip6tables-legacy-restore" : "iptables-legacy-restore";
        var loaded = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in Candidates())
        {
            // Options are left out on purpose: only whether restore finds the extension is asked.
            var rule = target ? $"-A FORWARD -j {name}" : $"-A FORWARD -m {name}";
            var result = netns.ExecWithInput($"*filter\n:FORWARD ACCEPT [0:0]\n{rule}\nCOMMIT\n", tool, "--test");
            if (!result.Error.Contains("Couldn't load", StringComparison.Ordinal)) loaded.Add(name);
        }

        // restore --test reads "standard" (the library of ACCEPT and DROP); the kernel refuses it on commit.
        if (target) loaded.Remove("standard");
        return loaded;
    }

    [KernelFact]
    public void The_match_names_are_those_restore_loads_in_each_family()
    {
        using var netns = Netns.Create();
        Assert.Equal(XtablesExtensions.IptablesMatchesV4.Order(StringComparer.Ordinal), Loaded(netns, IpFamily.V4, target: false));
        Assert.Equal(XtablesExtensions.IptablesMatchesV6.Order(StringComparer.Ordinal), Loaded(netns, IpFamily.V6, target: false));
    }

    [KernelFact]
    public void The_target_names_are_those_restore_loads_in_each_family()
    {
        using var netns = Netns.Create();
        Assert.Equal(XtablesExtensions.IptablesTargetsV4.Order(StringComparer.Ordinal), Loaded(netns, IpFamily.V4, target: true));
        Assert.Equal(XtablesExtensions.IptablesTargetsV6.Order(StringComparer.Ordinal), Loaded(netns, IpFamily.V6, target: true));
    }

    public static TheoryData<string, string> Lines => new()
    {
        { "filter", "-A FORWARD -m ipr3ange --src-range 1.2.3.4-1.2.3.9 -j ACCEPT" },
        { "filter", "-A FORWARD -m Comment --comment x -j ACCEPT" },
        { "filter", "-A FORWARD -m NFLOG -j ACCEPT" },
        { "nat", "-A PREROUTING -p tcp -j DnAT --to-destination 10.0.0.2" },
        { "mangle", "-A FORWARD -p tcp -j TCPOPTSTRIP" },
        { "filter", "-A FORWARD -j SNPT --src-pfx 2001:db8::/64 --dst-pfx 2001:db9::/64" },
        // NETMAP's --to is an address with its prefix, and mandatory.
        { "nat", "-A POSTROUTING -s 192.168.21.0/24 -j NETMAP --to docker0" },
        { "nat", "-A POSTROUTING -s 192.168.21.0/24 -j NETMAP" },
        { "nat", "-A POSTROUTING -s 192.168.21.0/24 -j NETMAP --to 10.1.0.0/24" },
    };

    [KernelTheory]
    [MemberData(nameof(Lines))]
    public void Dockerfw_accepts_a_name_exactly_when_legacy_restore_loads_it(string table, string line)
    {
        var chains = table switch
        {
            "nat" => ":PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n",
            _ => ":FORWARD ACCEPT [0:0]\n",
        };
        var text = $"*{table}\n{chains}{line}\nCOMMIT\n";
        var ours = IptablesSaveReader.Read(text, "t");
        using var netns = Netns.Create();
        var kernel = netns.ExecWithInput(text, "iptables-legacy-restore");
        Assert.True(ours.Succeeded == kernel.Ok,
            $"{line}: dockerfw {(ours.Succeeded ? "accepts" : $"refuses ({ours.Errors.First().Render()})")}, legacy {(kernel.Ok ? "loads" : $"refuses ({kernel.Error.Trim()})")}");
    }
}
