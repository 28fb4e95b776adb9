using System.Diagnostics.CodeAnalysis;
using DockerFw.Cli.Commands;
using DockerFw.Cli.Input;
using DockerFw.Cli.Live;
using DockerFw.Cli.Output;
using Microsoft.Extensions.DependencyInjection;

namespace DockerFw.Cli.Composition;

/// <summary>Everything `dockerfw` is made of. A new command is one class and one line here.</summary>
internal static class CliServiceCollectionExtensions
{
    public static IServiceCollection AddDockerFwCli(this IServiceCollection services, StandardStreams streams)
    {
        services.AddDockerFwFmt(streams);
        services.AddSingleton<IPrivilege, ProcessPrivilege>();
        services.AddSingleton(_ => DockerEnvironment.FromProcess());
        services.AddSingleton<LiveHostReader>();
        services.AddSingleton<HostLoader>();
        services.AddSingleton<Capture.InputSaver>();
        services.AddSingleton<DockerViewLoader>();
        services.AddSingleton(_ => OutputEnvironment.FromProcess());
        services.AddSingleton<RunProgress>();
        services.AddSingleton<IAuditFormatter, AuditTextFormatter>();
        services.AddSingleton<IAuditFormatter, AuditJsonFormatter>();
        services.AddSingleton<IAuditFormatter, AuditSarifFormatter>();
        services.AddSingleton<IAuditFormatter, AuditMarkdownFormatter>();
        services.AddSingleton<IAuditFormatter, AuditJUnitFormatter>();
        services.AddSingleton<IAuditFormatter, Output.Html.AuditHtmlFormatter>();
        services.AddSingleton<Workflows.AuditWorkflow>();
        services.AddSingleton<IResultFormatter<Workflows.ReachRun>, ReachTextFormatter>();
        services.AddSingleton<IResultFormatter<Workflows.ReachRun>, ReachJsonFormatter>();
        services.AddSingleton<Workflows.ReachWorkflow>();
        services.AddSingleton<IResultFormatter<Workflows.TraceRun>, TraceTextFormatter>();
        services.AddSingleton<IResultFormatter<Workflows.TraceRun>, TraceJsonFormatter>();
        services.AddSingleton<Workflows.TraceWorkflow>();
        services.AddSingleton<IResultFormatter<Workflows.SnapshotRun>, SnapshotFormatter>();
        services.AddSingleton<Workflows.SnapshotWorkflow>();
        services.AddSingleton<IResultFormatter<Workflows.PlanRun>, PlanFormatter>();
        services.AddSingleton<Workflows.PlanWorkflow>();
        services.AddSingleton<IResultFormatter<Workflows.ApplyRun>, ApplyFormatter>();
        services.AddSingleton<Workflows.ApplyWorkflow>();
        services.AddCliCommand<TraceCommand>("trace");
        services.AddCliCommand<ReachCommand>("reach");
        services.AddCliCommand<AuditCommand>("audit");
        services.AddCliCommand<PlanCommand>("plan");
        services.AddCliCommand<SnapshotCommand>("snapshot");
        services.AddCliCommand<ApplyCommand>("apply");
        services.AddCliCommand<EnforceCommand>("enforce");
        services.AddCliCommand<CompletionCommand>("completion");
        services.AddCliCommand<CaptureCommand>("capture");
        services.AddCliCommand<FleetCommand>("fleet");
        return services;
    }

    /// <summary>
    /// `dockerfw fmt` alone, with the services it needs: all the fmt-only executable is made of
    /// (<see cref="FmtProgram"/>), and the first part of <see cref="AddDockerFwCli"/>.
    /// </summary>
    public static IServiceCollection AddDockerFwFmt(this IServiceCollection services, StandardStreams streams)
    {
        services.AddSingleton(streams);
        services.AddSingleton<IHostCommandRunner, ProcessCommandRunner>();
        services.AddSingleton<LiveFirewallReader>();
        services.AddSingleton<DumpLoader>();
        services.AddSingleton(provider => new RootCommandFactory(
            name => provider.GetRequiredKeyedService<ICliCommand>(name), provider.GetServices<CliCommandName>(), streams));
        return services.AddCliCommand<FmtCommand>("fmt");
    }

    /// <summary>
    /// A command under the name it is typed as: a run builds only the command it names, with only the
    /// services that one needs (<see cref="RootCommandFactory"/>). CompositionTests checks the name
    /// against the command's own.
    /// </summary>
    public static IServiceCollection AddCliCommand<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCommand>(this IServiceCollection services, string name)
        where TCommand : class, ICliCommand
    {
        services.AddKeyedSingleton<ICliCommand, TCommand>(name);
        return services.AddSingleton(new CliCommandName(name));
    }
}
