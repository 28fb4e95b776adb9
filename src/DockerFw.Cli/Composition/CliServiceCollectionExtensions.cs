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
        services.AddSingleton(streams);
        services.AddSingleton<IHostCommandRunner, ProcessCommandRunner>();
        services.AddSingleton<LiveFirewallReader>();
        services.AddSingleton<DumpLoader>();
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
        services.AddSingleton<IResultFormatter<Core.Semantics.Symbolic.ReachResult>, ReachTextFormatter>();
        services.AddSingleton<IResultFormatter<Core.Semantics.Symbolic.ReachResult>, ReachJsonFormatter>();
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
        services.AddSingleton<RootCommandFactory>();

        services.AddCliCommand<FmtCommand>();
        services.AddCliCommand<TraceCommand>();
        services.AddCliCommand<ReachCommand>();
        services.AddCliCommand<AuditCommand>();
        services.AddCliCommand<PlanCommand>();
        services.AddCliCommand<SnapshotCommand>();
        services.AddCliCommand<ApplyCommand>();
        services.AddCliCommand<EnforceCommand>();
        services.AddCliCommand<CompletionCommand>();
        services.AddCliCommand<CaptureCommand>();
        services.AddCliCommand<FleetCommand>();
        return services;
    }

    public static IServiceCollection AddCliCommand<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCommand>(this IServiceCollection services)
        where TCommand : class, ICliCommand =>
        services.AddSingleton<ICliCommand, TCommand>();
}
