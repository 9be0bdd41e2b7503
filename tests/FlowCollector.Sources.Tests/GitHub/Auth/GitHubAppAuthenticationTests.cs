using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.Auth;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub.Auth;

/// <summary>Reading through GitHub App authentication against the simulator: lookups, minting, renewal, failures.</summary>
public sealed class GitHubAppAuthenticationTests
{
    private const string Installations = "/orgs/*/installation";
    private const string Mints = "/app/installations/*/access_tokens";
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("GraphQl")]
    [InlineData("Rest")]
    public async Task A_full_read_of_a_repository_succeeds_with_an_installation_token(string api)
    {
        var time = new FakeTimeProvider(T0);
        var model = ModelWith(["contoso/web"]);
        using var github = AppSimulator(model, time, "contoso");
        using var host = Host(github, ["contoso/web"], time, api);

        var read = await host.ReadAsync("contoso/web", T0.AddDays(-30));

        Assert.Equal(3, read.Events.Count(e => e.Kind == FlowEventKind.ChangeOpened));
        Assert.Equal(3, read.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
        Assert.Equal(1, github.RequestsTo(Installations));
        Assert.Equal(1, github.InstallationTokensIssued);
        Assert.DoesNotContain(github.Requests, r => r.StatusCode == 401);
        Assert.Contains(github.Requests, r => r.Path == (api == "GraphQl" ? "/graphql" : "/repos/contoso/web/pulls"));
    }

    [Fact]
    public async Task The_lookup_and_the_token_exchange_send_the_pinned_headers_and_only_published_requests()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time, "contoso");
        using var host = Host(github, ["contoso/web"], time);

        await host.ReadAsync("contoso/web", T0.AddDays(-30));

        // One lookup (GET) and one exchange (POST, body {}), both with the JWT accepted (200/201, not 401).
        var app = github.Requests.Where(r => r.Path.EndsWith("/installation", StringComparison.Ordinal) || r.Path.EndsWith("/access_tokens", StringComparison.Ordinal)).ToList();
        Assert.Equal([("GET", 200), ("POST", 201)], app.Select(r => (r.Method, r.StatusCode)));
        Assert.All(app, r =>
        {
            Assert.Equal("2022-11-28", r.ApiVersion);
            Assert.Equal("application/vnd.github+json", r.Accept);
            Assert.StartsWith("FlowCollector", r.UserAgent, StringComparison.Ordinal);
        });
        Assert.Empty(github.ContractViolations);
    }

    [Fact]
    public async Task The_token_is_renewed_five_minutes_before_it_expires_and_not_earlier()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time, "contoso");
        using var host = Host(github, ["contoso/web"], time);

        await host.ReadAsync("contoso/web", T0.AddDays(-30));
        time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1)); // 5 min + 1 s before expires_at
        await host.ReadAsync("contoso/web", T0.AddDays(-30));
        var afterFirstHour = github.InstallationTokensIssued;
        time.Advance(TimeSpan.FromSeconds(1)); // exactly expires_at - 5 min
        await host.ReadAsync("contoso/web", T0.AddDays(-30));
        var atRenewal = github.InstallationTokensIssued;
        time.Advance(TimeSpan.FromMinutes(54));
        await host.ReadAsync("contoso/web", T0.AddDays(-30));

        Assert.Equal(1, afterFirstHour);
        Assert.Equal(2, atRenewal);
        Assert.Equal(2, github.InstallationTokensIssued); // the second token is good for another 55 minutes
        Assert.Equal(1, github.RequestsTo(Installations)); // the installation is looked up once, tokens rotate
        Assert.DoesNotContain(github.Requests, r => r.StatusCode == 401);
    }

    [Fact]
    public async Task Many_repositories_of_two_organisations_share_one_lookup_and_one_token_per_organisation()
    {
        string[] names = [.. Enumerable.Range(1, 6).SelectMany(i => new[] { $"contoso/svc{i}", $"fabrikam/app{i}" })];

        // The system clock: concurrent reads on a fake clock that never moves wait forever in the request pipeline.
        var time = TimeProvider.System;
        using var github = AppSimulator(ModelWith(names), time, "contoso", "fabrikam");
        using var host = Host(github, names, time);

        // All at once: concurrent first callers of an installation must share its lookup and its mint.
        var reads = await Task.WhenAll(names.Select(n => host.ReadAsync(n, T0.AddDays(-30))));

        Assert.All(reads, r => Assert.Equal(3, r.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged)));
        Assert.Equal(1, github.RequestsTo("/orgs/contoso/installation"));
        Assert.Equal(1, github.RequestsTo("/orgs/fabrikam/installation"));
        Assert.Equal(2, github.InstallationTokensIssued);
    }

    [Fact]
    public async Task A_user_account_is_found_through_the_users_endpoint()
    {
        var time = new FakeTimeProvider(T0);
        var model = ModelWith(["alice/dotfiles"]);
        model.Repository("alice/dotfiles").OwnerIsUser = true;
        using var github = AppSimulator(model, time, "alice");
        using var host = Host(github, ["alice/dotfiles"], time);

        var read = await host.ReadAsync("alice/dotfiles", T0.AddDays(-30));

        Assert.Equal(3, read.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
        Assert.Equal(1, github.RequestsTo("/orgs/alice/installation")); // 404: not an organisation
        Assert.Equal(1, github.RequestsTo("/users/alice/installation"));
    }

    [Fact]
    public async Task A_configured_installation_id_needs_no_lookup()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time);
        var id = github.InstallApp("contoso");
        using var host = Host(github, ["contoso/web"], time, extra: new() { ["Sources:GitHub:App:InstallationIds:contoso"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        await host.ReadAsync("contoso/web", T0.AddDays(-30));

        Assert.Equal(0, github.RequestsTo(Installations));
        Assert.Equal(1, github.RequestsTo($"/app/installations/{id}/access_tokens"));
    }

    [Theory]
    [InlineData("GraphQl")]
    [InlineData("Rest")]
    public async Task A_key_that_is_not_the_apps_gives_an_error_naming_the_keys_and_never_the_key(string api)
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time, "contoso");
        using var host = Host(github, ["contoso/web"], time, api, GitHubAppKeys.OtherPem);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("contoso/web", T0.AddDays(-30)));

        Assert.StartsWith("GitHub rejected the GitHub App's JWT (401 A JSON web token could not be decoded) at GET /orgs/contoso/installation for contoso:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:App:AppId (424242)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:App:PrivateKey", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error.ToString());
        Assert.Equal(0, github.InstallationTokensIssued);
    }

    [Fact]
    public async Task An_organisation_without_the_app_fails_alone_and_is_found_once_the_app_is_installed()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web", "fabrikam/api"]), time, "contoso");
        using var host = Host(github, ["contoso/web", "fabrikam/api"], time);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("fabrikam/api", T0.AddDays(-30)));
        var other = await host.ReadAsync("contoso/web", T0.AddDays(-30));
        github.InstallApp("fabrikam");
        var afterInstall = await host.ReadAsync("fabrikam/api", T0.AddDays(-30));

        Assert.StartsWith($"The GitHub App {GitHubAppKeys.AppId} is not installed on fabrikam", error.Message, StringComparison.Ordinal);
        Assert.Contains("install it on fabrikam", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, other.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
        Assert.Equal(3, afterInstall.Events.Count(e => e.Kind == FlowEventKind.ChangeMerged));
        Assert.Equal(2, github.RequestsTo("/orgs/fabrikam/installation")); // a failed lookup is not remembered
    }

    [Fact]
    public async Task An_installation_token_of_one_organisation_does_not_open_another()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web", "fabrikam/api"]), time, "contoso", "fabrikam");
        using var credentials = new GitHubAppCredentialsProbe(github, time);

        var contosoToken = await credentials.Credentials.GetTokenAsync("contoso", TestContext.Current.CancellationToken);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, github.Url + "repos/fabrikam/api");
        request.Headers.TryAddWithoutValidation("Authorization", "token " + contosoToken);
        request.Headers.TryAddWithoutValidation("User-Agent", "test");
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("ghs_", contosoToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_budget_key_is_stable_across_token_rotation_and_tells_owners_apart()
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time, "contoso", "fabrikam");
        using var probe = new GitHubAppCredentialsProbe(github, time);
        var credentials = probe.Credentials;

        var before = credentials.BudgetKey("contoso");
        var first = await credentials.GetTokenAsync("contoso", TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(56));
        var second = await credentials.GetTokenAsync("contoso", TestContext.Current.CancellationToken);

        Assert.NotEqual(first, second);
        Assert.Equal(before, credentials.BudgetKey("contoso"));
        Assert.Equal(before, credentials.BudgetKey("Contoso"));
        Assert.NotEqual(before, credentials.BudgetKey("fabrikam"));
        Assert.Matches("^github:[0-9a-f]{16}$", before);
    }

    [Theory]
    [InlineData("GraphQl")]
    [InlineData("Rest")]
    public async Task A_repository_the_installation_cannot_see_names_the_app_settings_not_a_token(string api)
    {
        var time = new FakeTimeProvider(T0);
        using var github = AppSimulator(ModelWith(["contoso/web"]), time, "contoso");
        using var host = Host(github, ["contoso/missing"], time, api);

        var error = await Assert.ThrowsAsync<FlowCollector.Domain.Ports.SourceException>(() => host.ReadAsync("contoso/missing", T0.AddDays(-30)));

        Assert.Contains("contoso/missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:App", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sources:GitHub:Token", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error.Message);
    }

    internal static SimulatedGitHub ModelWith(string[] repositories)
    {
        var model = new SimulatedGitHub();
        foreach (var name in repositories)
        {
            var repo = model.AddRepository(name);
            for (var i = 0; i < 3; i++)
            {
                var at = T0.AddDays(-10 + i);
                repo.OpenPullRequest("alice", at).Commit(at.AddMinutes(-30)).Review("bob", SimulatedReviewState.Approved, at.AddHours(2)).Merge(at.AddHours(3));
            }
        }

        return model;
    }

    internal static GitHubSimulator AppSimulator(SimulatedGitHub model, TimeProvider time, params string[] installedOn)
    {
        var github = new GitHubSimulator(model, new GitHubSimulatorOptions { Time = time });
        github.RegisterApp(GitHubAppKeys.AppId, GitHubAppKeys.App);
        foreach (var owner in installedOn)
        {
            github.InstallApp(owner);
        }

        return github;
    }

    internal static GitHubSourceHost Host(GitHubSimulator github, string[] repositories, TimeProvider time, string api = "GraphQl", string? pem = null, Dictionary<string, string?>? extra = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Sources:GitHub:Api"] = api,
            ["Sources:GitHub:Token"] = "",
            ["Sources:GitHub:App:AppId"] = GitHubAppKeys.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sources:GitHub:App:PrivateKey"] = pem ?? GitHubAppKeys.AppPem,
            ["Sources:GitHub:ReadWorkflowRuns"] = "false",
            ["Sources:GitHub:ReadDeployments"] = "false",
        };
        foreach (var (key, value) in extra ?? [])
        {
            overrides[key] = value;
        }

        return GitHubSourceHost.For(github, repositories, overrides, time);
    }

    internal static void AssertNoSecret(string text)
    {
        foreach (var slice in GitHubAppKeys.Slices(GitHubAppKeys.AppPem).Concat(GitHubAppKeys.Slices(GitHubAppKeys.OtherPem)))
        {
            Assert.DoesNotContain(slice, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("ghs_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal); // a JWT's header starts so
    }
}
