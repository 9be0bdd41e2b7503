using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Quartz;

namespace FlowCollector.Worker.Tests.Scheduling;

/// <summary>A repository created (or archived) in a listed organisation joins (or leaves) the schedule at the next discovery, without a restart.</summary>
public sealed class RediscoveryTests
{
    private static readonly RepositoryRef Web = new("github", "acme", "web");
    private static readonly RepositoryRef Api = new("github", "acme", "api");
    private static readonly RepositoryRef Docs = new("github", "acme", "docs");

    [Fact]
    public async Task Rediscovery_schedules_new_repositories_unschedules_dropped_ones_and_keeps_the_rest_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new OrganisationSource([Web, Api]);
        await using var provider = Services(source);
        var (scheduler, discovery) = await ScheduleAsync(provider, ct);
        await discovery.RediscoverAsync(ct);
        var webStart = (await scheduler.GetTrigger(new TriggerKey(Web.Key, TargetScheduleRegistrar.Group), ct))!.StartTimeUtc;

        source.Listing = [Web, Docs];
        await discovery.RediscoverAsync(ct);

        Assert.Equal([Docs.Key, Web.Key], await JobNamesAsync(scheduler, ct));
        Assert.Equal(webStart, (await scheduler.GetTrigger(new TriggerKey(Web.Key, TargetScheduleRegistrar.Group), ct))!.StartTimeUtc);
    }

    [Fact]
    public async Task A_failed_listing_leaves_the_schedule_as_it_was()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = new OrganisationSource([Web, Api]);
        await using var provider = Services(source);
        var (scheduler, discovery) = await ScheduleAsync(provider, ct);
        await discovery.RediscoverAsync(ct);

        source.Listing = [];
        source.Fails = true;
        await discovery.RediscoverAsync(ct);

        Assert.Equal([Api.Key, Web.Key], await JobNamesAsync(scheduler, ct));
    }

    /// <summary>The in-memory scheduler and the discovery service over it, as the worker wires them (no shared store).</summary>
    private static async Task<(IScheduler Scheduler, TargetDiscoveryService Discovery)> ScheduleAsync(ServiceProvider provider, CancellationToken ct)
    {
        var registrar = ActivatorUtilities.CreateInstance<TargetScheduleRegistrar>(provider, Enumerable.Empty<PostgresStateStore>());
        var discovery = new TargetDiscoveryService(
            provider.GetRequiredService<CollectionTargets>(), registrar, Options.Create(new CollectionOptions()), TimeProvider.System, NullLogger<TargetDiscoveryService>.Instance);
        return (await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(ct), discovery);
    }

    private static ServiceProvider Services(IFlowEventSource source)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(source);
        services.AddSingleton<CollectionTargets>();
        services.AddQuartz(quartz => quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"rediscovery-{Guid.NewGuid():N}"));
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> JobNamesAsync(IScheduler scheduler, CancellationToken ct) =>
        (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(TargetScheduleRegistrar.Group), ct)).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();

    private sealed class OrganisationSource(IReadOnlyList<RepositoryRef> listing) : IFlowEventSource
    {
        public IReadOnlyList<RepositoryRef> Listing { get; set; } = listing;

        public bool Fails { get; set; }

        public string Source => "github";

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => [];

        public Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken) =>
            Fails ? Task.FromException<IReadOnlyList<RepositoryRef>>(new SourceException("GitHub organisation acme was not found")) : Task.FromResult(Listing);

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken) =>
            throw new NotSupportedException("not read in these tests");

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) =>
            Task.FromResult(new TargetCheck(repository, true, "ok"));
    }
}
