using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Core.Docker;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Policy;
using DockerFw.Core.Remediation;
using DockerFw.Core.Text;

namespace DockerFw.Cli.Apply;

/// <summary>Reading a host and a policy into a plan, shared by plan and apply; problems go to stderr.</summary>
internal static class PolicyPlanning
{
    public static PolicyPlan? Plan(InputOptions input, string policyFile, DumpLoader dumps, DockerViewLoader docker, LiveHostReader liveHost, TextWriter error)
    {
        var live = input.IsLive ? liveHost.Read(input, readEngine: input.Docker.IsEmpty) : null;
        var rules = DumpLoader.Parse(live?.Dumps ?? dumps.ReadIptables(input), strict: false);
        var view = live?.Docker is { } engineView ? new LoadedDockerView(engineView, []) : docker.Load(input.Docker, strict: false);
        if (!Report(rules.Diagnostics.Concat(view.Diagnostics), error) || !rules.Succeeded || !view.Succeeded) return null;

        var v4 = rules.Rulesets.LastOrDefault(r => r.Family == IpFamily.V4);
        if (v4 is null)
        {
            error.WriteLine("dockerfw: error: no IPv4 rules were read; a plan is made for iptables (IPv4)");
            return null;
        }

        string text;
        try
        {
            text = BoundedRead.Text(policyFile, InputLimits.Policy, "a policy");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"dockerfw: error: cannot read {policyFile}: {e.Message}");
            return null;
        }

        var document = PolicyReader.Read(text, policyFile);
        if (!Report(document.Diagnostics, error) || document.Value is null) return null;
        var dockerView = view.View is { Networks.IsEmpty: false } known ? known : DockerViewInference.Infer(v4);
        var resolved = PolicyResolver.Resolve(document.Value, dockerView);
        if (!Report(resolved.Diagnostics, error) || resolved.Value is null) return null;
        var v6 = rules.Rulesets.LastOrDefault(r => r.Family == IpFamily.V6);
        var plan = PolicyPlanner.Plan(v4, v6, resolved.Value);
        return Report(plan.Diagnostics, error) ? plan.Value : null;
    }

    /// <summary>Writes every diagnostic; true when none is an error.</summary>
    private static bool Report(IEnumerable<Diagnostic> diagnostics, TextWriter error)
    {
        var ok = true;
        foreach (var diagnostic in diagnostics)
        {
            error.WriteLine(diagnostic.Render());
            ok &= !diagnostic.IsError;
        }

        return ok;
    }
}
