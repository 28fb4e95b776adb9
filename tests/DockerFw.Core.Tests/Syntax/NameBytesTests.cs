using DockerFw.Core.Syntax.IptablesSave;
using DockerFw.Core.Text;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>
/// Names are bytes to the kernel: a dump read with <see cref="Utf8Escaped"/> keeps the bytes that are
/// no UTF-8, writes them back as they were, and holds chain names to 28 bytes and interface names to
/// 15 bytes, counted as the kernel counts them (the kernel test loads such a dump and compares).
/// </summary>
public class NameBytesTests
{
    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? System.Text.Encoding.UTF8.GetBytes(s) : p is byte[] b ? b : [(byte)p])];

    private static byte[] Invalid(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(0x80 + i))];

    [Fact]
    public void A_chain_name_of_21_bytes_that_are_no_utf8_is_read_and_written_back_byte_for_byte()
    {
        var dump = Bytes("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:", Invalid(21), " - [0:0]\n-A INPUT -i ", Invalid(15), " -j ", Invalid(21),
            "\n-A ", Invalid(21), " -m comment --comment \"", Invalid(3), "\" -j ACCEPT\nCOMMIT\n");
        var result = IptablesSaveReader.Read(Utf8Escaped.Decode(dump), "t");

        Assert.Empty(result.Diagnostics);
        var written = Utf8Escaped.Instance.GetBytes(IptablesSaveWriter.Write(result.Value!, includeCounters: false));
        var body = written.AsSpan(Array.IndexOf(written, (byte)'*'));
        Assert.Equal(dump, body.ToArray());
    }

    [Theory]
    [InlineData(28, true)]
    [InlineData(29, false)]
    public void A_chain_name_is_held_to_28_bytes(int length, bool reads)
    {
        var dump = Bytes("*filter\n:", Invalid(length), " - [0:0]\nCOMMIT\n");

        Assert.Equal(reads, IptablesSaveReader.Read(Utf8Escaped.Decode(dump), "t").Succeeded);
    }

    [Theory]
    [InlineData("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9a", true)]
    [InlineData("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", false)]
    public void An_interface_name_is_held_to_15_bytes(string name, bool reads)
    {
        var dump = $"*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i {name} -j ACCEPT\nCOMMIT\n";

        Assert.Equal(reads, IptablesSaveReader.Read(dump, "t").Succeeded);
    }
}
