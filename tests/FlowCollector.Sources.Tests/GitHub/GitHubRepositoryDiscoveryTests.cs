using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Discovery;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Options;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>Sources:GitHub:Organizations: listing whole organisations (or user accounts) with their rules.</summary>
public sealed class GitHubRepositoryDiscoveryTests
{
    [Fact]
    public async Task Follows_link_pages_and_puts_the_explicit_repositories_first_then_the_discovered_ones_sorted()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("zeta/tool");
        for (var i = 0; i < 230; i++)
        {
            model.AddRepository($"contoso/svc-{i:000}");
        }

        using var simulator = new GitHubSimulator(model);
        using var host = Host(simulator, ["zeta/tool", "contoso/svc-007"], Organization(0, "contoso"));

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(231, repositories.Count);
        Assert.Equal(["zeta/tool", "contoso/svc-007", "contoso/svc-000", "contoso/svc-001"], repositories.Take(4).Select(r => r.FullName));
        Assert.Equal("contoso/svc-229", repositories[^1].FullName);
        Assert.All(repositories, r => Assert.Equal("github", r.Source));

        // 100 per page: page 1 by path, pages 2 and 3 through GitHub's /organizations/{id}/repos links.
        var lists = simulator.Requests.Where(r => r.Path.EndsWith("/repos", StringComparison.Ordinal)).ToList();
        Assert.Equal(["/orgs/contoso/repos", $"/organizations/{GitHubSimulator.OwnerId("contoso")}/repos", $"/organizations/{GitHubSimulator.OwnerId("contoso")}/repos"], lists.Select(r => r.Path));
        Assert.Equal(["type=all&per_page=100", "type=all&per_page=100&page=2", "type=all&per_page=100&page=3"], lists.Select(r => r.Query));
    }

    [Theory]
    [InlineData("", "", "", "api-billing,api-gateway,docs,web,web-legacy")]
    [InlineData("api-*", "", "", "api-billing,api-gateway")]
    [InlineData("api-*,web", "", "", "api-billing,api-gateway,web")]
    [InlineData("", "*-legacy,docs", "", "api-billing,api-gateway,web")]
    [InlineData("web*", "*-LEGACY", "", "web")]
    [InlineData("API-?ateway", "", "", "api-gateway")]
    [InlineData("", "", "payments", "api-billing")]
    [InlineData("", "", "frontend,Payments", "api-billing,web,web-legacy")]
    [InlineData("web*", "", "frontend", "web,web-legacy")]
    [InlineData("", "api-*", "payments", "")]
    public async Task Selects_by_include_and_exclude_globs_on_the_name_and_by_topics(string include, string exclude, string topics, string expected)
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/api-gateway").Topics = ["platform"];
        model.AddRepository("contoso/api-billing").Topics = ["payments", "platform"];
        model.AddRepository("contoso/web").Topics = ["frontend"];
        model.AddRepository("contoso/web-legacy").Topics = ["frontend"];
        model.AddRepository("contoso/docs");
        using var simulator = new GitHubSimulator(model);
        var settings = Organization(0, "contoso");
        AddList(settings, "Sources:GitHub:Organizations:0:Include", include);
        AddList(settings, "Sources:GitHub:Organizations:0:Exclude", exclude);
        AddList(settings, "Sources:GitHub:Organizations:0:Topics", topics);
        using var host = Host(simulator, [], settings);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, string.Join(',', repositories.Select(r => r.Name)));
    }

    [Theory]
    [InlineData(false, false, "live")]
    [InlineData(true, false, "frozen,live")]
    [InlineData(false, true, "copy,live")]
    [InlineData(true, true, "copy,frozen,live")]
    public async Task Skips_archived_repositories_and_forks_unless_asked(bool includeArchived, bool includeForks, string expected)
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/live");
        model.AddRepository("contoso/frozen").IsArchived = true;
        model.AddRepository("contoso/copy").IsFork = true;
        using var simulator = new GitHubSimulator(model);
        var settings = Organization(0, "contoso");
        settings["Sources:GitHub:Organizations:0:IncludeArchived"] = includeArchived.ToString();
        settings["Sources:GitHub:Organizations:0:IncludeForks"] = includeForks.ToString();
        using var host = Host(simulator, [], settings);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, string.Join(',', repositories.Select(r => r.Name)));
    }

    [Fact]
    public async Task Never_lists_a_disabled_repository_even_with_archived_and_forks_included()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/live");
        model.AddRepository("contoso/locked").IsDisabled = true;
        model.AddRepository("contoso/frozen").IsArchived = true;
        using var simulator = new GitHubSimulator(model);
        var settings = Organization(0, "contoso");
        settings["Sources:GitHub:Organizations:0:IncludeArchived"] = "true";
        settings["Sources:GitHub:Organizations:0:IncludeForks"] = "true";
        using var host = Host(simulator, [], settings);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        // "disabled" is read from the list itself (Octokit's Repository model has no such field): 3 listed, 2 kept.
        Assert.Equal("frozen,live", string.Join(',', repositories.Select(r => r.Name)));
        Assert.Equal(1, simulator.RequestCount);
    }

    [Fact]
    public async Task Lists_through_the_shared_pipeline_with_the_pinned_headers_and_only_published_requests()
    {
        var model = new SimulatedGitHub();
        for (var i = 0; i < 150; i++)
        {
            model.AddRepository($"contoso/svc-{i:000}");
        }

        using var simulator = new GitHubSimulator(model);
        using var host = Host(simulator, [], Organization(0, "contoso"));

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        // 150 repositories at 100 a page: 2 requests, each with the token (200, not 401), the API version, media type and user agent.
        Assert.Equal(150, repositories.Count);
        Assert.Equal(2, simulator.RequestCount);
        Assert.All(simulator.Requests, r =>
        {
            Assert.Equal(200, r.StatusCode);
            Assert.Equal("2022-11-28", r.ApiVersion);
            Assert.Equal("application/vnd.github+json", r.Accept);
            Assert.StartsWith("FlowCollector", r.UserAgent, StringComparison.Ordinal);
        });

        // Page 1 is a published operation; page 2 is GitHub's own next-page link (/organizations/{id}/repos), which the
        // description does not list and which is followed verbatim, as GitHub asks.
        var violation = Assert.Single(simulator.ContractViolations);
        Assert.StartsWith($"GET /organizations/{GitHubSimulator.OwnerId("contoso")}/repos ", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keeps_an_explicit_repository_even_when_archived_or_excluded_and_lists_it_once()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/frozen").IsArchived = true;
        model.AddRepository("contoso/web");
        model.AddRepository("contoso/docs");
        using var simulator = new GitHubSimulator(model);
        var settings = Organization(0, "contoso");
        settings["Sources:GitHub:Organizations:0:Exclude:0"] = "docs";
        using var host = Host(simulator, ["contoso/frozen", "Contoso/Docs", "contoso/web"], settings);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["contoso/frozen", "Contoso/Docs", "contoso/web"], repositories.Select(r => r.FullName));
    }

    [Fact]
    public async Task Lists_a_user_accounts_repositories_when_github_has_no_such_organisation()
    {
        var model = new SimulatedGitHub();
        var mine = model.AddRepository("octocat/hello");
        mine.OwnerIsUser = true;
        model.AddRepository("octocat/spoon").OwnerIsUser = true;
        using var simulator = new GitHubSimulator(model);
        using var host = Host(simulator, [], Organization(0, "OctoCat"));

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        // The owner's spelling comes from GitHub's owner.login, not from the configuration.
        Assert.Equal(["octocat/hello", "octocat/spoon"], repositories.Select(r => r.FullName));
        Assert.Equal([("/orgs/OctoCat/repos", 404), ("/users/OctoCat/repos", 200)], simulator.Requests.Select(r => (r.Path, r.StatusCode)));
    }

    [Fact]
    public async Task An_unknown_organisation_fails_with_the_key_to_fix()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web");
        using var simulator = new GitHubSimulator(model);
        var settings = Organization(0, "contoso");
        settings["Sources:GitHub:Organizations:1:Name"] = "contosso";
        using var host = Host(simulator, [], settings);

        var e = await Assert.ThrowsAsync<SourceException>(() => host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));

        Assert.Contains("'contosso'", e.Message, StringComparison.Ordinal);
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:Organizations:1:Name", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(simulator.Token, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "Bad credentials", "Sources:GitHub:Token")]
    [InlineData(HttpStatusCode.Forbidden, "Resource protected by organization SAML enforcement.", "Sources:GitHub:Organizations:0:Name")]
    public async Task A_refused_list_names_what_to_fix(HttpStatusCode status, string message, string key)
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web");
        using var simulator = new GitHubSimulator(model);
        simulator.FailNext("/orgs/contoso/repos", 1, status, message);
        using var host = Host(simulator, [], Organization(0, "contoso"));

        var e = await Assert.ThrowsAsync<SourceException>(() => host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:Organizations:0:Name", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_organisations_discovery_is_the_configured_list_and_costs_nothing()
    {
        var model = new SimulatedGitHub();
        model.AddRepository("contoso/web");
        using var simulator = new GitHubSimulator(model);
        using var host = Host(simulator, ["contoso/web"], []);

        var repositories = await host.Source.DiscoverRepositoriesAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["contoso/web"], repositories.Select(r => r.FullName));
        Assert.Equal(0, simulator.RequestCount);
    }

    [Theory]
    [InlineData("Name", "", "Sources:GitHub:Organizations:1:Name is empty")]
    [InlineData("Name", "CONTOSO", "Sources:GitHub:Organizations:1:Name 'CONTOSO' is listed already as Sources:GitHub:Organizations:0:Name")]
    [InlineData("Name", "contoso/web", "Sources:GitHub:Organizations:1:Name is 'contoso/web' but must be a login without '/'")]
    [InlineData("Include:0", "contoso/*", "Sources:GitHub:Organizations:1:Include:0 'contoso/*' contains '/'")]
    [InlineData("Exclude:0", "svc-[ab]", "Sources:GitHub:Organizations:1:Exclude:0 'svc-[ab]' contains '['")]
    [InlineData("Include:0", " ", "Sources:GitHub:Organizations:1:Include:0 ' ' is empty")]
    [InlineData("Topics:0", "", "Sources:GitHub:Organizations:1:Topics:0 is empty")]
    public void Refuses_organisation_entries_that_cannot_work(string key, string value, string expected)
    {
        var options = new GitHubSourceOptions
        {
            Organizations =
            [
                new GitHubOrganizationOptions { Name = "contoso", Include = ["svc-*", "*-api", "w?b"] },
                new GitHubOrganizationOptions { Name = "fabrikam" },
            ],
        };
        var second = options.Organizations[1];
        switch (key)
        {
            case "Name": second.Name = value; break;
            case "Include:0": second.Include = [value]; break;
            case "Exclude:0": second.Exclude = [value]; break;
            default: second.Topics = [value]; break;
        }

        var valid = new GitHubOrganizationOptionsValidator().Validate(null, new GitHubSourceOptions { Organizations = [options.Organizations[0]] });
        var result = new GitHubOrganizationOptionsValidator().Validate(null, options);

        Assert.True(valid.Succeeded, valid.FailureMessage);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organisation_rules_are_checked_at_start_up()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sources:GitHub:Token"] = "ghp_x",
            ["Sources:GitHub:Organizations:0:Name"] = "contoso",
            ["Sources:GitHub:Organizations:0:Include:0"] = "contoso/web",
        };

        var e = Assert.Throws<OptionsValidationException>(() => new GitHubSourceHost(settings).Dispose());

        Assert.Contains("Sources:GitHub:Organizations:0:Include:0", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("svc-*", "svc-", true)]
    [InlineData("svc-*", "SVC-Billing", true)]
    [InlineData("svc-*", "my-svc-billing", false)]
    [InlineData("*-api", "billing-api", true)]
    [InlineData("*-api", "billing-api-v2", false)]
    [InlineData("*api*", "rapid", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("w?b", "web", true)]
    [InlineData("w?b", "wb", false)]
    [InlineData("web", "web.site", false)]
    [InlineData("web.site", "web.site", true)]
    public void Glob_matches_the_whole_name_case_insensitively(string pattern, string name, bool expected) =>
        Assert.Equal(expected, RepositoryNameGlob.Parse(pattern).Matches(name));

    private static Dictionary<string, string?> Organization(int index, string name) =>
        new() { [$"Sources:GitHub:Organizations:{index}:Name"] = name };

    private static void AddList(Dictionary<string, string?> settings, string key, string csv)
    {
        var values = csv.Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < values.Length; i++)
        {
            settings[$"{key}:{i}"] = values[i];
        }
    }

    private static GitHubSourceHost Host(GitHubSimulator simulator, string[] repositories, Dictionary<string, string?> settings) =>
        GitHubSourceHost.For(simulator, repositories, settings);
}
