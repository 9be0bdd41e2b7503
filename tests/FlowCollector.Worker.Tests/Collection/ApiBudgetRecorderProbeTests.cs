using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Scheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>The cluster's budget-recording wrapper must not hide what the wrapped source can do: discover and probe.</summary>
public sealed class ApiBudgetRecorderProbeTests
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");

    [Fact]
    public async Task A_probing_source_stays_a_probe_behind_the_wrapper_and_its_budget_is_recorded()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new MemoryBudgetStore();
        var wrapped = Recorder(store).Wrap(new CollectionTarget(Web, new ProbingSource(), new SourceScheduleOptions()), "replica-1");

        var probe = Assert.IsAssignableFrom<IChangeProbe>(wrapped.Source);
        var result = await probe.ProbeAsync(Web, "v1", ct);
        var discovered = await wrapped.Source.DiscoverRepositoriesAsync(ct);

        Assert.True(result.Unchanged);
        Assert.Equal("v1", result.Validators);
        Assert.Equal(4321, Assert.Single(store.Recorded).Remaining);
        Assert.Equal(["contoso/web", "contoso/api"], discovered.Select(r => r.FullName));
    }

    [Fact]
    public void A_source_that_cannot_probe_is_no_probe_behind_the_wrapper()
    {
        var wrapped = Recorder(new MemoryBudgetStore()).Wrap(new CollectionTarget(Web, new PlainSource(), new SourceScheduleOptions()), "replica-1");

        Assert.IsNotAssignableFrom<IChangeProbe>(wrapped.Source);
    }

    [Fact]
    public async Task Budgets_are_recorded_under_the_key_the_source_names_per_repository_else_the_tokens_fingerprint()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new MemoryBudgetStore();
        var recorder = Recorder(store);
        var api = new RepositoryRef("github", "fabrikam", "api");

        await recorder.Wrap(new CollectionTarget(Web, new PerOwnerSource(), new SourceScheduleOptions()), "replica-1").Source.ReadAsync(Web, DateTimeOffset.UnixEpoch, ct);
        await recorder.Wrap(new CollectionTarget(api, new PerOwnerSource(), new SourceScheduleOptions()), "replica-1").Source.ReadAsync(api, DateTimeOffset.UnixEpoch, ct);
        await recorder.Wrap(new CollectionTarget(Web, new PlainSource(), new SourceScheduleOptions()), "replica-1").Source.ReadAsync(Web, DateTimeOffset.UnixEpoch, ct);

        Assert.Equal(["github:installation-contoso", "github:installation-fabrikam", CredentialFingerprint.Of("github", null)], store.Recorded.Select(b => b.Credential));
    }

    private static ApiBudgetRecorder Recorder(MemoryBudgetStore store) =>
        new([store], new ConfigurationBuilder().Build(), TimeProvider.System, NullLogger<ApiBudgetRecorder>.Instance);

    private class PlainSource : IFlowEventSource
    {
        public string Source => "github";

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => [Web];

        public Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RepositoryRef>>([Web, new RepositoryRef("github", "contoso", "api")]);

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken) =>
            Task.FromResult(new SourceReadResult([], null, new SourceUsage(1, 4000)));

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) =>
            Task.FromResult(new TargetCheck(repository, true, "ok"));
    }

    private sealed class PerOwnerSource : PlainSource, IFlowEventSource
    {
        public string? BudgetKey(RepositoryRef repository) => "github:installation-" + repository.Owner;
    }

    private sealed class ProbingSource : PlainSource, IChangeProbe
    {
        public Task<ChangeProbeResult> ProbeAsync(RepositoryRef repository, string? validators, CancellationToken cancellationToken) =>
            Task.FromResult(new ChangeProbeResult(true, validators ?? "", new SourceUsage(3, 4321)));
    }

    private sealed class MemoryBudgetStore : IApiBudgetStore
    {
        public List<ApiBudget> Recorded { get; } = [];

        public Task RecordAsync(ApiBudget budget, CancellationToken cancellationToken)
        {
            Recorded.Add(budget);
            return Task.CompletedTask;
        }

        public Task<ApiBudget?> GetAsync(string credential, CancellationToken cancellationToken) =>
            Task.FromResult(Recorded.LastOrDefault(b => b.Credential == credential));
    }
}
