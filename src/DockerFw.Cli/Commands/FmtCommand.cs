using System.CommandLine;
using System.Text;
using DockerFw.Cli.Input;
using DockerFw.Core.Model.Values;
using DockerFw.Core.Syntax.IptablesSave;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw fmt`: reads a dump and prints it in iptables-save's canonical form, or its diagnostics.
/// </summary>
internal sealed class FmtCommand(DumpLoader loader, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var file = new Argument<string?>("FILE|-")
        {
            Description = "The iptables-save or ip6tables-save dump (- for stdin); omitted: the live firewall",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var family = new Option<string?>("--family")
        {
            Description = "Read FILE as IPv4 (4) or IPv6 (6); default: from its header, else 4",
            HelpName = "4|6",
        };
        family.AcceptOnlyFromAmong("4", "6");
        var strict = new Option<bool>("--strict") { Description = "Treat warnings as errors" };
        var counters = new Option<bool>("--counters") { Description = "Keep packet and byte counters (default)" };
        var noCounters = new Option<bool>("--no-counters") { Description = "Leave counters out" };
        var netns = InputOptionSet.CreateNetnsOption();

        var command = new Command("fmt", "Print a dump in canonical iptables-save form (iptables-restore input)")
        {
            file, family, strict, counters, noCounters, netns,
        };
        command.Validators.Add(result =>
        {
            // System.CommandLine would take an unknown option for the FILE argument.
            if (result.GetValue(file) is { Length: > 1 } name && name.StartsWith('-'))
                result.AddError($"unknown option '{name}' (a file whose name starts with '-' can be given as ./{name})");
            if (result.GetResult(counters) is not null && result.GetResult(noCounters) is not null)
                result.AddError("--counters and --no-counters cannot be used together");
        });
        command.SetAction(parsed => Run(new FmtOptions(
            parsed.GetValue(file),
            parsed.GetValue(family) switch { "4" => IpFamily.V4, "6" => IpFamily.V6, _ => null },
            parsed.GetValue(strict),
            !parsed.GetValue(noCounters),
            parsed.GetValue(netns))));
        return command;
    }

    private int Run(FmtOptions options)
    {
        var problems = options.Validate();
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);

        var dumps = options.File is null
            ? loader.ReadIptables(InputOptions.Live with { Netns = options.Netns })
            : [loader.ReadFile(options.File, options.Family)];
        var loaded = DumpLoader.Parse(dumps, options.Strict);
        foreach (var diagnostic in loaded.Diagnostics) streams.Error.WriteLine(diagnostic.Render());
        if (!loaded.Succeeded) return ExitCodes.Error;

        streams.Out.Write(Render(loaded, options));
        return ExitCodes.Ok;
    }

    private static string Render(LoadedRulesets loaded, FmtOptions options)
    {
        // A file gives exactly the writer's output, so fmt is idempotent; live mode prints both
        // families and says which is which.
        if (options.File is not null)
            return IptablesSaveWriter.Write(loaded.Rulesets.Single(), options.Counters);
        var text = new StringBuilder();
        foreach (var ruleset in loaded.Rulesets)
        {
            text.Append(ruleset.Family == IpFamily.V4 ? "# dockerfw: iptables-save\n" : "# dockerfw: ip6tables-save\n");
            text.Append(IptablesSaveWriter.Write(ruleset, options.Counters));
        }

        return text.ToString();
    }
}
