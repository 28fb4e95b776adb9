using System.Text;
using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;
using DockerFw.Kernel.Tests.Harness;

namespace DockerFw.Kernel.Tests.Acceptance;

/// <summary>
/// Names that are no UTF-8 (a 21-byte chain name, a 15-byte interface name, a comment), loaded into
/// a namespace of our own with both back ends: dockerfw reads the kernel's own save of them and
/// writes it back byte for byte (issue 14 item 10).
/// </summary>
public sealed class KernelNameBytes
{
    private static byte[] Invalid(int count, int from = 0x80) => [.. Enumerable.Range(0, count).Select(i => (byte)(from + i))];

    private static byte[] Dump() =>
    [
        .. "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:"u8, .. Invalid(21), .. " - [0:0]\n"u8,
        .. "-A INPUT -i "u8, .. Invalid(15, 0xA0), .. " -j "u8, .. Invalid(21), .. "\n"u8,
        .. "-A "u8, .. Invalid(21), .. " -m comment --comment \""u8, .. Invalid(5, 0xF0), .. "\" -j ACCEPT\n"u8,
        .. "COMMIT\n"u8,
    ];

    [KernelTheory]
    [InlineData("legacy")]
    [InlineData("nft")]
    public void A_dump_whose_names_are_no_utf8_is_printed_with_the_kernels_bytes(string backend)
    {
        using var netns = Netns.Create();
        var input = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(input, Dump());
            netns.Exec("sh", "-c", $"iptables-{backend}-restore < {input}").EnsureOk();
            netns.Exec("sh", "-c", $"iptables-{backend}-save -t filter > {input}").EnsureOk();
            var saved = File.ReadAllBytes(input);

            var read = IptablesSaveReader.Read(Utf8Escaped.Decode(saved), "saved");
            Assert.True(read.Succeeded, string.Join("\n", read.Diagnostics.Select(d => d.Render())));
            var printed = Utf8Escaped.Instance.GetBytes(IptablesSaveWriter.Write(read.Value!, includeCounters: false));
            Assert.Equal(Body(saved), Body(printed));
            Assert.Contains(Body(Dump()).Split('\n')[4], Body(printed).Split('\n'));
        }
        finally
        {
            File.Delete(input);
        }
    }

    // The table's lines, without the comment lines that name the tool and the time; as Latin-1, one char per byte.
    private static string Body(byte[] bytes) =>
        string.Join("\n", Encoding.Latin1.GetString(bytes).Split('\n').Where(line => line.Length > 0 && line[0] != '#'));
}
