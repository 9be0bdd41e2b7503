using System.Net;
using System.Text.Json;
using FlowCollector.Testing.Simulation;

namespace FlowCollector.Sources.Tests.Simulation;

/// <summary>The simulator's runs, deployments and compare endpoints follow GitHub's rules.</summary>
public sealed class GitHubSimulatorDeliveryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly SimulatedGitHub model = new();
    private readonly SimulatedRepository web;
    private readonly GitHubSimulator github;
    private readonly HttpClient http = new();

    public GitHubSimulatorDeliveryTests()
    {
        web = model.AddRepository("contoso/web");
        for (var i = 0; i < 300; i++)
        {
            web.Push($"c{i:D3}", T0.AddMinutes(i));
        }

        github = new GitHubSimulator(model);
        http.DefaultRequestHeaders.Authorization = new("token", github.Token);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("test");
    }

    public void Dispose()
    {
        http.Dispose();
        github.Dispose();
    }

    [Theory]
    [InlineData("c010...c013", "ahead", 3, 0, "c011,c012,c013")]
    [InlineData("c013...c010", "behind", 0, 3, "")]
    [InlineData("c010...c010", "identical", 0, 0, "")]
    public async Task Compares_on_the_linear_trunk(string spec, string status, int aheadBy, int behindBy, string commits)
    {
        using var document = await Json($"repos/contoso/web/compare/{spec}?per_page=100");

        var root = document.RootElement;
        Assert.Equal(
            (status, aheadBy, behindBy, commits),
            (root.GetProperty("status").GetString(), root.GetProperty("ahead_by").GetInt32(), root.GetProperty("behind_by").GetInt32(),
                string.Join(',', root.GetProperty("commits").EnumerateArray().Select(c => c.GetProperty("sha").GetString()))));
    }

    [Fact]
    public async Task Compare_of_an_unknown_commit_is_not_found()
    {
        using var response = await http.GetAsync(new Uri($"{github.Url}repos/contoso/web/compare/nope...c010"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("", 250, false)] // unpaged: the first 250 commits, no link
    [InlineData("?per_page=100", 100, true)]
    public async Task Compare_lists_250_commits_unpaged_and_pages_otherwise(string query, int count, bool linked)
    {
        using var response = await http.GetAsync(new Uri($"{github.Url}repos/contoso/web/compare/c000...c299{query}"), TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(count, document.RootElement.GetProperty("commits").GetArrayLength());
        Assert.Equal("c001", document.RootElement.GetProperty("commits")[0].GetProperty("sha").GetString()); // chronological
        Assert.Equal(linked, response.Headers.Contains("Link"));
    }

    [Theory]
    [InlineData("created=>=2025-03-03T09:10:00Z", 2)]
    [InlineData("created=>2025-03-03T09:10:00Z", 1)]
    [InlineData("created=<2025-03-03T09:10:00Z", 1)]
    [InlineData("created=<=2025-03-03T09:10:00Z", 2)]
    [InlineData("created=2025-03-03T09:05:00Z..2025-03-03T09:10:00Z", 1)]
    [InlineData("branch=main", 3)]
    [InlineData("branch=feature", 0)]
    [InlineData("head_sha=c001", 1)]
    public async Task Filters_runs(string filter, int count)
    {
        web.Run("build", "c000", T0, T0, T0.AddMinutes(1));
        web.Run("build", "c001", T0.AddMinutes(10), T0.AddMinutes(10), T0.AddMinutes(11));
        web.Run("build", "c002", T0.AddMinutes(20), T0.AddMinutes(20), T0.AddMinutes(21));

        using var document = await Json("repos/contoso/web/actions/runs?" + filter.Replace(">", "%3E", StringComparison.Ordinal).Replace("<", "%3C", StringComparison.Ordinal));

        Assert.Equal(count, document.RootElement.GetProperty("total_count").GetInt32());
        Assert.Equal(count, document.RootElement.GetProperty("workflow_runs").GetArrayLength());
    }

    [Fact]
    public async Task Serves_deployments_and_their_statuses_newest_first()
    {
        var first = web.Deploy("production", "c001", T0, T0.AddMinutes(1), T0.AddMinutes(5));
        var second = web.Deploy("production", "c002", T0.AddHours(1), T0.AddHours(1), T0.AddHours(1).AddMinutes(5), "failure");

        using var deployments = await Json("repos/contoso/web/deployments");
        using var statuses = await Json($"repos/contoso/web/deployments/{first.Id}/statuses");

        Assert.Equal([second.Id, first.Id], deployments.RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetInt64()));
        Assert.Equal(["success", "in_progress"], statuses.RootElement.EnumerateArray().Select(s => s.GetProperty("state").GetString()));
    }

    private async Task<JsonDocument> Json(string relative)
    {
        var body = await http.GetStringAsync(new Uri(github.Url + relative), TestContext.Current.CancellationToken);
        return JsonDocument.Parse(body);
    }
}
