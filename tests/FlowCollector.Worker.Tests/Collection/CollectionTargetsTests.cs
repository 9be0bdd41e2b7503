using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Worker.Collection;
using Microsoft.Extensions.Configuration;

namespace FlowCollector.Worker.Tests.Collection;

/// <summary>Targets configured by name, found by listing organisations, refreshed, and resolved from a key another replica scheduled.</summary>
public sealed class CollectionTargetsTests
{
    private static readonly RepositoryRef Named = new("github", "acme", "web");
    private static readonly RepositoryRef Listed = new("github", "acme", "api");
    private static readonly RepositoryRef AdoRepo = new("azuredevops", "contoso/Web", "checkout");

    [Fact]
    public void Before_the_first_listing_the_targets_are_the_repositories_configured_by_name()
    {
        var targets = Targets(new ListingSource("github", [Named], [Named, Listed]));

        Assert.Equal(["github:acme/web"], targets.All.Select(t => t.Key));
    }

    [Fact]
    public async Task A_listing_adds_what_it_found_and_reports_counts_per_source()
    {
        var github = new ListingSource("github", [Named], [Named, Listed]);
        var ado = new ListingSource("azuredevops", [], [AdoRepo]);
        var targets = Targets(github, ado);

        var results = await targets.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["github:acme/web", "github:acme/api", "azuredevops:contoso/Web/checkout"], targets.All.Select(t => t.Key));
        Assert.Equal([new DiscoveryResult("github", 2, 1, null), new DiscoveryResult("azuredevops", 1, 0, null)], results);
        Assert.Same(ado, targets.All[2].Source);
        Assert.Equal(TimeSpan.FromMinutes(5), targets.All[0].Schedule.Interval);
    }

    [Fact]
    public async Task A_repository_no_longer_listed_leaves_at_the_next_refresh()
    {
        var github = new ListingSource("github", [Named], [Named, Listed]);
        var targets = Targets(github);
        await targets.RefreshAsync(TestContext.Current.CancellationToken);

        github.Listing = [Named];
        await targets.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["github:acme/web"], targets.All.Select(t => t.Key));
    }

    [Fact]
    public async Task A_failed_listing_keeps_that_sources_targets_and_does_not_touch_the_others()
    {
        var github = new ListingSource("github", [Named], [Named, Listed]);
        var ado = new ListingSource("azuredevops", [], [AdoRepo]);
        var targets = Targets(github, ado);
        await targets.RefreshAsync(TestContext.Current.CancellationToken);

        github.FailWith = new SourceException("GitHub rejected the token for organisation acme: check Sources:GitHub:Token.");
        ado.Listing = [];
        var results = await targets.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["github:acme/web", "github:acme/api"], targets.All.Select(t => t.Key));
        Assert.False(results[0].Ok);
        Assert.Null(results[0].Found);
        Assert.Contains("Sources:GitHub:Token", results[0].Error, StringComparison.Ordinal);
        Assert.True(results[1].Ok);
    }

    [Fact]
    public async Task A_listing_failing_longer_than_allowed_shows_in_readiness_until_it_succeeds_again()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var health = new FlowCollector.Worker.Health.TargetHealthRegistry();
        var github = new ListingSource("github", [Named], [Named, Listed]) { FailWith = new SourceException("GitHub organisation acme was not found") };
        var targets = new CollectionTargets([github], new ConfigurationBuilder().Build(), health, time);

        await targets.RefreshAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(2));

        var failing = Assert.Single(health.FailingLongerThan(TimeSpan.FromHours(1), time.GetUtcNow()));
        Assert.Equal(("discovery:github", "GitHub organisation acme was not found"), (failing.Target, failing.Error));

        github.FailWith = null;
        await targets.RefreshAsync(TestContext.Current.CancellationToken);
        Assert.Empty(health.FailingLongerThan(TimeSpan.Zero, time.GetUtcNow()));
    }

    [Fact]
    public async Task The_same_repository_from_two_listings_is_one_target()
    {
        var targets = Targets(new ListingSource("github", [Named], [Named, Listed, Named]));

        await targets.RefreshAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, targets.All.Count);
    }

    [Theory]
    [InlineData("github:acme/api", "github", "acme", "api")]
    [InlineData("azuredevops:contoso/Web/checkout", "azuredevops", "contoso/Web", "checkout")]
    public void A_key_this_replica_has_not_listed_yet_is_resolved_from_the_key_when_its_source_exists(string key, string source, string owner, string name)
    {
        var targets = Targets(new ListingSource("github", [Named], []), new ListingSource("azuredevops", [], []));

        var target = targets.Find(key);

        Assert.NotNull(target);
        Assert.Equal(new RepositoryRef(source, owner, name), target.Repository);
        Assert.Equal(source, target.Source.Source);
        Assert.Equal(key, target.Key);
    }

    [Theory]
    [InlineData("gitlab:acme/web")]
    [InlineData("github:web")]
    [InlineData("github:acme/")]
    [InlineData("acme/web")]
    public void A_key_of_an_unknown_source_or_without_owner_and_name_finds_nothing(string key)
    {
        var targets = Targets(new ListingSource("github", [Named], []));

        Assert.Null(targets.Find(key));
    }

    private static CollectionTargets Targets(params IFlowEventSource[] sources) =>
        new(sources, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sources:github:Interval"] = "00:05:00" }).Build());

    private sealed class ListingSource(string name, IReadOnlyList<RepositoryRef> configured, IReadOnlyList<RepositoryRef> listing) : IFlowEventSource
    {
        public IReadOnlyList<RepositoryRef> Listing { get; set; } = listing;

        public Exception? FailWith { get; set; }

        public string Source => name;

        public IReadOnlyList<RepositoryRef> ConfiguredRepositories => configured;

        public Task<IReadOnlyList<RepositoryRef>> DiscoverRepositoriesAsync(CancellationToken cancellationToken) =>
            FailWith is null ? Task.FromResult(Listing) : Task.FromException<IReadOnlyList<RepositoryRef>>(FailWith);

        public Task<SourceReadResult> ReadAsync(RepositoryRef repository, DateTimeOffset since, CancellationToken cancellationToken) =>
            throw new NotSupportedException("not read in these tests");

        public Task<TargetCheck> CheckAsync(RepositoryRef repository, CancellationToken cancellationToken) =>
            Task.FromResult(new TargetCheck(repository, true, "ok"));
    }
}
