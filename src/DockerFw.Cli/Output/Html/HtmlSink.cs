using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace DockerFw.Cli.Output.Html;

/// <summary>
/// Where the HTML report is written: markup goes out as it is, and every value through the one
/// encoder, so no place that writes a value can forget to make it inert HTML.
/// </summary>
internal sealed class HtmlSink(TextWriter output)
{
    // Non-ASCII stays readable; the encoder still escapes <, >, &, quotes and what HTML cannot hold.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Markup of the report itself, never a value from the inputs.</summary>
    public HtmlSink Markup(string markup)
    {
        output.Write(markup);
        return this;
    }

    /// <summary>A value, encoded; null writes nothing.</summary>
    public HtmlSink Value(string? value)
    {
        if (value is not null) Encoder.Encode(output, value);
        return this;
    }

    public HtmlSink Value(int value) => Markup(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An element whose whole content is one value: <c>&lt;tag&gt;value&lt;/tag&gt;</c>.</summary>
    public HtmlSink Element(string tag, string value) => Markup("<" + tag + ">").Value(value).Markup("</" + tag + ">");
}
