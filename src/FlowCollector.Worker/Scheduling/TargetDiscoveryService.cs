using FlowCollector.State;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// Lists organisations and projects again every <c>Collection:DiscoveryInterval</c> and re-registers the schedule, so
/// repositories created, archived or excluded since start-up join or leave it without a restart. The first listing
/// happens before the scheduler starts (see the <c>run</c> command).
/// </summary>
internal sealed partial class TargetDiscoveryService(
    CollectionTargets targets,
    TargetScheduleRegistrar registrar,
    IOptions<CollectionOptions> options,
    TimeProvider time,
    ILogger<TargetDiscoveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DiscoveryInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RediscoverAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task RediscoverAsync(CancellationToken cancellationToken)
    {
        foreach (var result in await targets.RefreshAsync(cancellationToken))
        {
            if (result.Error is { } error)
            {
                LogDiscoveryFailed(logger, result.Source, error);
            }
        }

        try
        {
            await registrar.RegisterAsync(cancellationToken);
        }
        catch (SchedulerException e)
        {
            // The store may be briefly unreachable; the next interval tries again and the current schedule keeps running.
            LogRegistrationFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Listing the repositories of {Source} failed; its targets stay as they were until the next discovery: {Error}")]
    private static partial void LogDiscoveryFailed(ILogger logger, string source, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-registering the schedule after discovery failed; the next discovery tries again: {Error}")]
    private static partial void LogRegistrationFailed(ILogger logger, string error);
}
