using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace DockerFw.Cli.Output.Html;

/// <summary>
/// <c>--format html</c>: one self-contained page (styles and the small filter script inline, nothing
/// fetched) with the counts, the network matrix as a coloured grid whose open cells link to their
/// findings, the container matrix folded by source and filterable, published ports, the findings
/// by severity with their evidence, and what the policy intends. The layout lives in a Liquid
/// template (Fluid): markup reviewed as markup, every value HTML-encoded by the renderer rather
/// than by hand at each place it is written.
/// </summary>
internal sealed class AuditHtmlFormatter : IAuditFormatter
{
    private static readonly Lazy<IFluidTemplate> Template = new(Parse);

    // Non-ASCII stays readable; the encoder still escapes <, >, &, quotes and what HTML cannot hold.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly TemplateOptions Options = new TemplateOptionsBuilder().Build();

    public string Name => "html";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var context = new TemplateContext(HtmlReportBuilder.Of(run), Options);
        output.Write(Template.Value.Render(context, Encoder));
    }

    private static IFluidTemplate Parse()
    {
        using var stream = typeof(AuditHtmlFormatter).Assembly.GetManifestResourceStream("DockerFw.Cli.Output.Html.report.liquid")
            ?? throw new InvalidOperationException("the HTML report's template is not in the assembly");
        using var reader = new StreamReader(stream);
        var parser = new FluidParser(new FluidParserOptions { AllowFunctions = true });
        return parser.Parse(reader.ReadToEnd());
    }
}
