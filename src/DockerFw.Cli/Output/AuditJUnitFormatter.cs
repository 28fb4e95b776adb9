using System.Globalization;
using System.Xml.Linq;
using DockerFw.Core.Audit;

namespace DockerFw.Cli.Output;

/// <summary>
/// <c>--format junit</c>: one test suite per check, one test case per network (and one for what
/// concerns the host as a whole), a failure for each finding at <c>--fail-on</c> or worse, the
/// findings below it in the case's output. CI systems show it as a test report.
/// </summary>
internal sealed class AuditJUnitFormatter : IAuditFormatter
{
    public string Name => "junit";

    private const string HostCase = "host";

    public void Write(AuditRun run, TextWriter output, TerminalProfile terminal)
    {
        var report = run.Report;
        var checks = FindingCodes.All.Select(c => c.Check).Distinct().Where(c => c != "policy" || report.Intended is not null);
        var cases = report.Networks.Select(n => n.Name).Append(HostCase).ToList();
        var suites = checks.Select(check =>
        {
            var findings = report.Findings.Where(f => f.Code.Check == check).ToList();
            var testcases = cases.Select(name => Case(check, name, findings.Where(f => ConcernsCase(f, name)).ToList(), run)).ToList();
            return new XElement("testsuite",
                new XAttribute("name", check),
                new XAttribute("tests", testcases.Count),
                new XAttribute("failures", testcases.Count(t => t.Element("failure") is not null)),
                new XAttribute("errors", 0),
                testcases);
        }).ToList();
        var document = new XDocument(
            new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", "dockerfw audit"),
                new XAttribute("tests", suites.Sum(s => (int)s.Attribute("tests")!)),
                new XAttribute("failures", suites.Sum(s => (int)s.Attribute("failures")!)),
                suites));
        output.Write(document.Declaration + "\n" + document.Root!.ToString().Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
    }

    // A finding about no network is about the host; one about several is a case of each.
    private static bool ConcernsCase(Finding f, string name) => name == HostCase ? f.Networks.IsEmpty : f.Networks.Contains(name);

    private static XElement Case(string check, string name, List<Finding> findings, AuditRun run)
    {
        var element = new XElement("testcase", new XAttribute("classname", "dockerfw." + check), new XAttribute("name", Xml(name)));
        var failing = findings.Where(run.Fails).ToList();
        if (failing.Count > 0)
            element.Add(new XElement("failure",
                new XAttribute("type", string.Join(",", failing.Select(f => f.Code.Code).Distinct())),
                new XAttribute("message", Xml(string.Join(" | ", failing.Select(f => $"{f.Code.Code} {ReportWords.Of(f.Severity)}: {f.Message}")))),
                Xml(string.Join("\n\n", failing.Select(Detail)))));
        var below = findings.Except(failing).ToList();
        if (below.Count > 0) element.Add(new XElement("system-out", Xml(string.Join("\n\n", below.Select(Detail)))));
        return element;
    }

    private static string Detail(Finding f) =>
        $"{f.Code.Code} ({ReportWords.Of(f.Severity)}): {f.Message}" +
        string.Concat(f.Evidence.Select(e => e.Route is not null ? $"\n  route: {e.Text}  ({e.Role})"
            : string.Create(CultureInfo.InvariantCulture, $"\n  {e.Table}/{e.Chain} #{e.Rule} (line {e.Line}): {e.Text}  ({e.Role})")));

    // XML 1.0 cannot hold most control characters at all: show them as Printable does.
    private static string Xml(string text) => Printable.Of(text).Replace("\\x0a", "\n", StringComparison.Ordinal);
}
