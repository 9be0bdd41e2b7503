using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary><c>Sources:AzureDevOps:Projects</c>: which repositories discovery returns, in which order, and its failures.</summary>
public sealed class AzureDevOpsDiscoveryTests
{
    private const string WrongPat = "wrongpat0000000000000000000000000000000000000000000mustnotleak";

    [Fact]
    public async Task Explicit_repositories_come_first_then_discovered_ones_sorted_without_duplicates_or_skipped_repositories()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        foreach (var name in new[] { "checkout", "payments", "api-gateway", "checkout-legacy", "docs" })
        {
            web.AddRepository(name);
        }

        web.AddRepository("empty", defaultBranch: "");
        web.AddRepository("old").Disable();
        web.AddRepository("checkout-fork").MarkAsFork();
        var data = model.AddProject("Data");
        foreach (var name in new[] { "etl", "warehouse", "notebooks" })
        {
            data.AddRepository(name);
        }

        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Data/warehouse", "Web/Payments"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
            ["Sources:AzureDevOps:Projects:0:Exclude:0"] = "*-LEGACY",
            ["Sources:AzureDevOps:Projects:0:Exclude:1"] = "docs",
            ["Sources:AzureDevOps:Projects:1:Name"] = "data", // the project's own spelling names the targets
            ["Sources:AzureDevOps:Projects:1:Include:0"] = "etl",
            ["Sources:AzureDevOps:Projects:1:Include:1"] = "ware?ouse",
        });

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        // Explicit first, in configuration order (Web/Payments keeps its spelling); then Data/etl, Web/api-gateway,
        // Web/checkout. Gone: checkout-legacy and docs (Exclude), notebooks (no Include), empty, old (disabled), the fork,
        // and the discovered duplicates Data/warehouse and Web/payments.
        Assert.Equal(
            ["contoso/Data/warehouse", "contoso/Web/Payments", "contoso/Data/etl", "contoso/Web/api-gateway", "contoso/Web/checkout"],
            repositories.Select(r => r.FullName));
        Assert.All(repositories, r => Assert.Equal("azuredevops", r.Source));
        Assert.Equal((1, 1), (ado.RequestsTo("/Web/_apis/git/repositories"), ado.RequestsTo("/Data/_apis/git/repositories")));
        Assert.Equal(2, ado.RequestCount);
    }

    [Fact]
    public async Task IncludeDisabled_keeps_a_disabled_repository_but_never_an_empty_one()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        web.AddRepository("old").Disable();
        web.AddRepository("empty", defaultBranch: "").Disable();
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
            ["Sources:AzureDevOps:Projects:0:IncludeDisabled"] = "true",
        });

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new RepositoryRef("azuredevops", "contoso/Web", "old"), Assert.Single(repositories));
    }

    [Fact]
    public async Task A_new_repository_joins_at_the_next_discovery()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        web.AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?> { ["Sources:AzureDevOps:Projects:0:Name"] = "Web" });

        var before = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);
        web.AddRepository("billing");
        web.Repository("checkout").Disable();
        var after = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkout"], before.Select(r => r.Name));
        Assert.Equal(["billing"], after.Select(r => r.Name));
    }

    [Fact]
    public async Task Without_projects_discovery_is_the_configured_list_and_sends_nothing()
    {
        using var ado = new AzureDevOpsSimulator(new SimulatedAzureDevOps());
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout", "Data/etl"]);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Same(host.Source.ConfiguredRepositories, repositories);
        Assert.Equal(0, ado.RequestCount);
    }

    [Fact]
    public async Task An_Azure_DevOps_Server_collection_is_listed_under_its_base_path_and_the_discovered_repository_reads()
    {
        var model = new SimulatedAzureDevOps("DefaultCollection");
        var checkout = model.AddProject("Web").AddRepository("checkout", defaultBranch: "develop");
        ReviewRounds(checkout);
        using var ado = new AzureDevOpsSimulator(model, new AzureDevOpsSimulatorOptions { PathPrefix = "/tfs/DefaultCollection" });
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = ado.Url.TrimEnd('/'),
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
            ["Sources:AzureDevOps:ReadBuilds"] = "false",
        });

        var repository = Assert.Single(await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));
        var read = await host.Source.ReadAsync(repository, T0.AddDays(-1), TestContext.Current.CancellationToken);

        Assert.Equal(new RepositoryRef("azuredevops", "DefaultCollection/Web", "checkout"), repository);
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged && e.TargetBranch == "develop");
        Assert.Equal("/tfs/DefaultCollection/Web/_apis/git/repositories", ado.Requests[0].RawPath);
        Assert.All(ado.Requests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task A_bad_PAT_gets_the_sign_in_page_and_fails_discovery_naming_the_credential_key()
    {
        var model = new SimulatedAzureDevOps();
        model.AddProject("Web").AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Pat"] = WrongPat,
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            "Azure DevOps answered GET /Web/_apis/git/repositories for project 'Web' with a sign-in page (203) instead of data: the credential was not accepted (expired, revoked, mistyped or for another organisation). Check Sources:AzureDevOps:Pat.",
            error.Message);
        Assert.DoesNotContain(WrongPat, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, ado.RequestCount); // a sign-in page is not retried
    }

    [Fact]
    public async Task An_unknown_project_names_its_configuration_key()
    {
        var model = new SimulatedAzureDevOps();
        model.AddProject("Web").AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
            ["Sources:AzureDevOps:Projects:1:Name"] = "Mobile",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith($"Azure DevOps project 'Mobile' was not found in {ado.Url} or is not visible to the credential (404 TF200016: The following project does not exist: Mobile.", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("): check Sources:AzureDevOps:Projects:1:Name and Sources:AzureDevOps:OrganizationUrl.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Azure DevOps rejected the credential for project 'Web' (401 ")]
    [InlineData(HttpStatusCode.Forbidden, "Azure DevOps refused GET /Web/_apis/git/repositories for project 'Web' (403 ")]
    public async Task A_refused_listing_names_the_credential_key(HttpStatusCode status, string start)
    {
        var model = new SimulatedAzureDevOps();
        model.AddProject("Web").AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model);
        ado.FailNext("/Web/_apis/git/repositories", 1, status, "TF400813: The user is not authorized to access this resource.");
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?> { ["Sources:AzureDevOps:Projects:0:Name"] = "Web" });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:AzureDevOps:Pat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Retry_After_on_the_listing_delays_the_next_request()
    {
        var model = new SimulatedAzureDevOps();
        model.AddProject("Web").AddRepository("checkout");
        model.AddProject("Data").AddRepository("etl");
        using var ado = new AzureDevOpsSimulator(model);
        ado.ThrottleNext("/Web/_apis/git/repositories", 1, retryAfterSeconds: 1);
        using var host = AzureDevOpsSourceHost.For(ado, [], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Projects:0:Name"] = "Web",
            ["Sources:AzureDevOps:Projects:1:Name"] = "Data",
        });

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        var requests = ado.Requests;
        Assert.Equal(2, repositories.Count);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"the next request came after {requests[1].At - requests[0].At}");
    }
}
