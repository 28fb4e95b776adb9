namespace DockerFw.Cli.Output.Html;

/// <summary>
/// What the HTML template shows, already in words: the template only lays it out. Every string that
/// came from the inputs went through <see cref="Printable.Of"/>; the template's encoder makes it
/// inert HTML.
/// </summary>
internal sealed record HtmlReport(
    string ToolVersion,
    string Verdict,
    bool Failed,
    int FindingCount,
    IReadOnlyList<HtmlCount> Counts,
    IReadOnlyList<HtmlInput> Inputs,
    string View,
    string Sysctls,
    IReadOnlyList<HtmlNetwork> Networks,
    bool HasV6,
    IReadOnlyList<HtmlMatrix> Matrices,
    HtmlContainers? Containers,
    IReadOnlyList<HtmlPortTable> PortTables,
    IReadOnlyList<HtmlSeverityGroup> Findings,
    IReadOnlyList<HtmlFinding> Intended,
    bool PolicyJudged,
    IReadOnlyList<string> Notices);

/// <summary>The number of findings of one severity; <see cref="Css"/> colours the badge.</summary>
internal sealed record HtmlCount(string Severity, int Count, string Css);

internal sealed record HtmlInput(string Kind, string Name);

/// <summary>A network with icc and masquerade as declared / effective; a drifted setting is marked.</summary>
internal sealed record HtmlNetwork(string Name, string Bridge, string Subnets, string Internal,
    HtmlSetting Icc, HtmlSetting Masquerade, HtmlSetting? IccV6, HtmlSetting? MasqueradeV6);

internal sealed record HtmlSetting(string Declared, string Effective, bool Drifted);

/// <summary>A network matrix (IPv4 or IPv6): rows are sources, columns destinations.</summary>
internal sealed record HtmlMatrix(string Id, string Title, string Caption, IReadOnlyList<string> Names, IReadOnlyList<HtmlMatrixRow> Rows,
    IReadOnlyList<HtmlPair> Open)
{
    /// <summary>Set instead of a grid for a matrix of many networks: the pairs and that every one not listed is denied.</summary>
    public string? Grouped { get; init; }
}

internal sealed record HtmlMatrixRow(string From, IReadOnlyList<HtmlCell> Cells);

/// <summary>
/// One cell: the verdict in words (shown, so the grid reads without colours), its CSS class, the
/// flows as the cell's tooltip, and where it links: the finding that reports the hole, else the
/// flows listed under the grid.
/// </summary>
internal sealed record HtmlCell(string To, string Verdict, string Css, string Flows, string? Href, string Label);

/// <summary>An open or partly open pair listed under its matrix, with its flows and its finding.</summary>
internal sealed record HtmlPair(string Id, string From, string To, string Verdict, string Css, IReadOnlyList<string> Flows, string? Finding, string? FindingCode);

/// <summary>The container matrix, one collapsible group per source endpoint.</summary>
internal sealed record HtmlContainers(IReadOnlyList<HtmlContainerGroup> Groups, int Pairs);

internal sealed record HtmlContainerGroup(string From, string Summary, bool Open, IReadOnlyList<HtmlContainerRow> Rows);

internal sealed record HtmlContainerRow(string To, string Verdict, string Css, string Flows, string Search);

internal sealed record HtmlPortTable(string Title, string Caption, IReadOnlyList<HtmlPort> Ports);

internal sealed record HtmlPort(string Host, string Container, string Network, string Address, string Accepts, string Css);

internal sealed record HtmlSeverityGroup(string Severity, string Css, IReadOnlyList<HtmlFinding> Findings);

/// <summary>A finding with its anchor (cells link to it), its evidence rules and what the policy intends.</summary>
internal sealed record HtmlFinding(string Id, string Code, string Check, string Severity, string Css, string Message,
    string Networks, string Containers, IReadOnlyList<HtmlEvidence> Evidence, string? IntendedBy);

internal sealed record HtmlEvidence(string Where, string Role, string Text);
