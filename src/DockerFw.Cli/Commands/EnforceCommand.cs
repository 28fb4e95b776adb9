using System.CommandLine;
using System.Runtime.InteropServices;
using DockerFw.Cli.Enforce;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;

namespace DockerFw.Cli.Commands;

/// <summary>
/// `dockerfw enforce --policy FILE`: keeps a policy in force on the live host (or <c>--netns</c>) as
/// Docker changes it (<see cref="Enforcer"/>), until SIGTERM or SIGINT, which end it after the round in
/// progress (exit 0). SIGHUP asks for a round at once. A policy that does not read is exit 2 at start.
/// </summary>
internal sealed class EnforceCommand(HostLoader loader, IHostCommandRunner runner, DockerEnvironment environment, StandardStreams streams) : ICliCommand
{
    public Command Create()
    {
        var policy = new Option<string>("--policy") { Description = "The policy file (docs/policy.md); read again at every round", HelpName = "FILE", Required = true };
        var inputs = new InputOptionSet();
        var interval = new Option<int>("--interval") { Description = "Check the rules this often even without Docker events (firewall reloads send none)", HelpName = "SECONDS", DefaultValueFactory = _ => 10 };
        var backups = new Option<string>("--backup-dir") { Description = "Where the applies' backups go; only the newest 10 are kept", HelpName = "DIR", DefaultValueFactory = _ => "/var/lib/dockerfw/enforce" };
        var command = new Command("enforce", "Keep a policy in force as Docker changes the host: re-plan and re-apply on Docker events and firewall reloads")
        {
            policy, inputs.Netns, inputs.DockerHost, interval, backups,
        };
        command.SetAction(parsed => Run(
            InputOptions.Live with { Netns = parsed.GetValue(inputs.Netns), DockerHost = parsed.GetValue(inputs.DockerHost) },
            parsed.GetValue(policy)!, parsed.GetValue(interval), parsed.GetValue(backups)!));
        return command;
    }

    private int Run(InputOptions input, string policyFile, int intervalSeconds, string backupDirectory)
    {
        var problems = input.Validate();
        if (intervalSeconds <= 0) problems = problems.Add("--interval must be a positive number of seconds");
        if (!problems.IsEmpty) return Usage.Fail(streams.Error, problems);
        if (PolicyFile.Read(policyFile, streams.Error) is null) return ExitCodes.Error;
        var (endpoint, invalid) = DockerEngineAddress.Resolve(input.DockerHost, environment.DockerHost);
        if (endpoint is null)
        {
            streams.Error.WriteLine($"dockerfw: error: {invalid}");
            return ExitCodes.Usage;
        }

        var log = EnforceLog.ForProcess(streams.Out);
        var enforcer = new Enforcer(loader, runner, log);
        using var stop = new CancellationTokenSource();
        var signals = new List<PosixSignalRegistration>
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                enforcer.Wake("SIGHUP");
            }),
        };
        log.Info("enforcing the policy", ("policy", policyFile), ("engine", endpoint.Uri), ("netns", input.Netns ?? "(host)"), ("interval", $"{intervalSeconds}s"));
        try
        {
            using var events = new EngineEvents(endpoint, enforcer.Wake, message => log.Warning(message));
            enforcer.Run(input, policyFile, TimeSpan.FromSeconds(intervalSeconds), backupDirectory, stop.Token);
        }
        finally
        {
            foreach (var signal in signals) signal.Dispose();
        }

        log.Info("stopped; the rules stay as the last round left them", ("policy", policyFile));
        return ExitCodes.Ok;

        void Stop(PosixSignalContext context)
        {
            // Not the runtime's default (an immediate exit): the round in progress ends first.
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
