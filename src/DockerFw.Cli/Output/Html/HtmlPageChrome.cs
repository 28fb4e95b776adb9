namespace DockerFw.Cli.Output.Html;

/// <summary>
/// The parts of the HTML report's page that hold no value from the audit: its styles and the small
/// filter script, inline so the page fetches nothing. Kept as markup, apart from the code that
/// writes the audit's values (<see cref="HtmlReportWriter"/>).
/// </summary>
internal static class HtmlPageChrome
{
    public const string Style = """
<style>
  :root { --fg: #1b1b1b; --muted: #4a4a4a; --line: #8c8c8c; --bg: #ffffff; }
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); margin: 1.5rem auto; max-width: 75rem; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
  h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
  h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
  table { border-collapse: collapse; margin: .3rem 0 1rem; }
  caption { text-align: left; color: var(--muted); padding-bottom: .3rem; }
  th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
  th { background: #eeeeee; }
  code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
  .summary { display: flex; gap: .5rem; flex-wrap: wrap; margin: .5rem 0; padding: 0; list-style: none; }
  .badge { border: 1px solid var(--line); border-radius: .3rem; padding: .2rem .6rem; font-weight: 600; }
  .sev-high { background: #f8d7da; color: #58151c; }
  .sev-medium { background: #fde2c8; color: #5c2a00; }
  .sev-low { background: #fff3cd; color: #4d3a00; }
  .sev-info { background: #dbe7f5; color: #0b2e57; }
  .failed { color: #8b0000; font-weight: 700; }
  .passed { color: #0a5c2b; font-weight: 700; }
  .drift { color: #8b0000; font-weight: 700; }
  td.allowed, li.allowed > .verdict { background: #f8d7da; color: #58151c; }
  td.partial, li.partial > .verdict { background: #fff3cd; color: #4d3a00; }
  td.denied { background: #d1e7dd; color: #0a3622; }
  td.self-off, td.self-on { background: #f2f2f2; color: #333333; }
  td.unknown { background: #e2e3e5; color: #2b2f32; }
  td.open { background: #d1e7dd; color: #0a3622; }
  td.closed { background: #f8d7da; color: #58151c; }
  .matrix td { text-align: center; min-width: 5.5rem; }
  .matrix td a { color: inherit; font-weight: 700; }
  .finding { border: 1px solid var(--line); border-left-width: .4rem; border-radius: .2rem; padding: .4rem .7rem; margin: .5rem 0; }
  .finding.sev-high { border-left-color: #b02a37; }
  .finding.sev-medium { border-left-color: #c35a00; }
  .finding.sev-low { border-left-color: #997404; }
  .finding.sev-info { border-left-color: #0b5ed7; }
  .finding { background: #ffffff; color: var(--fg); }
  .finding h4 { margin: 0 0 .2rem; font-size: 1rem; }
  .finding p { margin: .2rem 0; }
  :target { outline: 3px solid #0b5ed7; outline-offset: 2px; }
  .meta { color: var(--muted); }
  .filter { margin: .3rem 0 .6rem; }
  .filter input { font: inherit; padding: .2rem .4rem; width: 20rem; max-width: 100%; }
  details > summary { cursor: pointer; }
  .hidden { display: none; }
  @media print {
    body { max-width: none; margin: 0; }
    .filter { display: none; }
    a { text-decoration: none; }
    .finding, tr { break-inside: avoid; }
  }
</style>
""";

    public const string Script = """
<script>
(function () {
  var filter = document.getElementById('container-filter');
  if (filter) {
    filter.addEventListener('input', function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll('details.container-group').forEach(function (group) {
        var shown = 0;
        group.querySelectorAll('tr.container-pair').forEach(function (row) {
          var text = row.getAttribute('data-search');
          var match = words.every(function (w) { return text.indexOf(w) >= 0; });
          row.classList.toggle('hidden', !match);
          if (match) shown++;
        });
        group.classList.toggle('hidden', shown === 0);
        if (words.length > 0 && shown > 0) group.open = true;
      });
    });
  }
  // A link to something inside a folded group unfolds it; printing unfolds everything.
  function reveal() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    for (var e = target; e; e = e.parentElement) if (e.tagName === 'DETAILS') e.open = true;
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
})();
</script>
""";
}
