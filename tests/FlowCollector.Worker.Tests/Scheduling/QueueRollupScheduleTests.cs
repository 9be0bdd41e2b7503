using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Tests.Scheduling;

/// <summary>The queue rollup is one job beside the targets' (one per cluster: the same key on every replica), every <c>Collection:QueueRollupInterval</c>.</summary>
public sealed class QueueRollupScheduleTests
{
    private static readonly TriggerKey Rollup = new(QueueRollupJob.Name, QueueRollupJob.Group);

    [Fact]
    public async Task The_rollup_runs_every_interval_registering_again_keeps_its_next_run_and_0_removes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var provider = Services();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(ct);
        var before = DateTimeOffset.UtcNow;

        await Registrar(provider, TimeSpan.FromMinutes(15)).RegisterAsync(ct);

        var trigger = Assert.IsType<ISimpleTrigger>(await scheduler.GetTrigger(Rollup, ct), exactMatch: false);
        Assert.Equal(TimeSpan.FromMinutes(15), trigger.RepeatInterval);
        Assert.InRange(trigger.StartTimeUtc, before.AddMinutes(15), DateTimeOffset.UtcNow.AddMinutes(15));
        Assert.Equal(typeof(QueueRollupJob), (await scheduler.GetJobDetail(trigger.JobKey, ct))!.JobType);

        // A replica starting later (or a rediscovery) registers the same job: the stored trigger and its next run stay.
        await Registrar(provider, TimeSpan.FromMinutes(15)).RegisterAsync(ct);
        Assert.Equal(trigger.StartTimeUtc, (await scheduler.GetTrigger(Rollup, ct))!.StartTimeUtc);

        await Registrar(provider, TimeSpan.FromMinutes(5)).RegisterAsync(ct);
        Assert.Equal(TimeSpan.FromMinutes(5), Assert.IsType<ISimpleTrigger>(await scheduler.GetTrigger(Rollup, ct), exactMatch: false).RepeatInterval);

        await Registrar(provider, TimeSpan.Zero).RegisterAsync(ct);
        Assert.Null(await scheduler.GetTrigger(Rollup, ct));
        Assert.Null(await scheduler.GetJobDetail(new JobKey(QueueRollupJob.Name, QueueRollupJob.Group), ct));
    }

    private static TargetScheduleRegistrar Registrar(ServiceProvider provider, TimeSpan every) =>
        ActivatorUtilities.CreateInstance<TargetScheduleRegistrar>(provider, Enumerable.Empty<PostgresStateStore>(), Options.Create(new CollectionOptions { QueueRollupInterval = every }));

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IFlowEventSource>(new NoRepositories());
        services.AddSingleton<CollectionTargets>();
        services.AddQuartz(quartz => quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"rollup-{Guid.NewGuid():N}"));
        return services.BuildServiceProvider();
    }

    private sealed class NoRepositories : IFlowEventSource
    {
        public string Source => "github";

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => [];

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException("no repositories to read");

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) => Task.FromResult(new TargetCheck(repository, true, "ok"));
    }
}
