using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Core.Tests.Syntax;

/// <summary>The first pass's line count, counted by vectors, is the count of line feeds character by character.</summary>
public class LineFeedsTests
{
    [Fact]
    public void Every_length_and_place_of_line_feeds_is_counted()
    {
        var random = new Random(17);
        for (var length = 0; length < 80; length++)
        {
            for (var round = 0; round < 20; round++)
            {
                // Line feeds, their neighbours in the 16-bit lanes ('\n' + 256, '\n' - 1) and others.
                var text = new string([.. Enumerable.Range(0, length).Select(_ => "\n\n\u010a\u0009a "[random.Next(6)])]);
                Assert.Equal(text.Count(c => c == '\n'), LineFeeds.Count(text));
            }
        }
    }

    [Fact]
    public void A_lane_that_counts_past_sixteen_bits_is_still_counted_whole()
    {
        // 65,535 vectors are added up at a time: a text of line feeds alone fills every lane to its top, and more.
        foreach (var length in new[] { 65_535 * 8, 65_535 * 8 + 1, 65_536 * 8 + 5, 3 * 65_535 * 8 + 17 })
        {
            Assert.Equal(length, LineFeeds.Count(new string('\n', length)));
            Assert.Equal(length / 2, LineFeeds.Count(string.Concat(Enumerable.Repeat("a\n", length / 2))));
        }
    }
}
