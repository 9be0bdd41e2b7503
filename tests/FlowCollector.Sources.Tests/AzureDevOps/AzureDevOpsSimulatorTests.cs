using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowCollector.Domain.Events;
using FlowCollector.Testing.Simulation.AzureDevOps;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>The simulator itself: a deterministic, realistic generator and Azure DevOps' wire behaviour.</summary>
public sealed class AzureDevOpsSimulatorTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_seed_generates_the_same_organisation_and_another_seed_another()
    {
        var a = Summary(SimulatedAzureDevOps.Generate(42, projects: 2, reposPerProject: 2, prsPerRepo: 30, Start));
        var b = Summary(SimulatedAzureDevOps.Generate(42, projects: 2, reposPerProject: 2, prsPerRepo: 30, Start));
        var c = Summary(SimulatedAzureDevOps.Generate(43, projects: 2, reposPerProject: 2, prsPerRepo: 30, Start));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_generated_organisation_has_every_storyline_and_pipeline_outcome()
    {
        var model = SimulatedAzureDevOps.Generate(7, projects: 2, reposPerProject: 3, prsPerRepo: 40, Start);
        var prs = model.Projects.SelectMany(p => p.Repositories).SelectMany(r => r.PullRequests).ToList();
        var builds = model.Projects.SelectMany(p => p.Builds).ToList();
        var records = model.Projects.SelectMany(p => p.Environments).SelectMany(e => e.Records).ToList();

        Assert.Equal(["Payments", "Web Platform"], model.Projects.Select(p => p.Name).Order());
        Assert.Equal(240, prs.Count);
        Assert.Equal(
            ["bot-comment", "draft", "rejected-abandoned", "review-rounds", "self-vote", "straight", "two-approvers", "work-item"],
            prs.Select(p => p.Scenario!).Distinct().Order());
        Assert.Contains(prs, p => p.Status == "abandoned");
        Assert.Equal(prs.Count(p => p.Status == "completed"), builds.Count);
        Assert.Contains(builds, b => b.Result == "failed" && b.Timeline.Any(r => r.Name == "Build" && r.Result == "failed"));
        Assert.Contains(builds, b => b.Timeline.Any(r => r.Type == "Checkpoint.Approval" && r.Result == "failed")); // a rejected approval (TaskResult has no "rejected")
        Assert.Contains(builds, b => b.Timeline.Any(r => r.Name == "Deploy_production" && r.Result == "skipped"));
        Assert.Contains(records, r => r.Environment.Name == "production" && r.Result == "canceled");
        Assert.Contains(records, r => r.Environment.Name == "production" && r.Result == "failed");
        Assert.True(records.Count(r => r.Environment.Name == "staging") > records.Count(r => r.Environment.Name == "production"));
    }

    [Fact]
    public async Task A_generated_world_with_a_now_has_active_pull_requests_and_runs_whose_records_are_hidden()
    {
        var now = Start.AddDays(3);
        var model = SimulatedAzureDevOps.Generate(11, projects: 1, reposPerProject: 1, prsPerRepo: 40, Start, new AzureDevOpsGenerationOptions { Now = now });
        var project = model.Projects[0];
        var running = project.Builds.Where(b => b.Status != "completed").Select(b => b.Id).ToHashSet();
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web Platform/checkout"]);

        var read = await host.ReadAsync("Web Platform/checkout", Start.AddDays(-1));

        Assert.Contains(model.Projects[0].Repositories[0].PullRequests, p => p.Status == "active");
        Assert.NotEmpty(running);
        Assert.Contains(project.Environments.SelectMany(e => e.Records), r => running.Contains(r.Build.Id)); // written ...
        Assert.DoesNotContain(read.Events, e => e.Kind == FlowEventKind.DeploymentFinished && !e.Provisional && running.Any(id => e.Url!.EndsWith($"buildId={id}", StringComparison.Ordinal))); // ... but not served

        // Their finished deploying stages stand in, provisionally, until the records are served.
        Assert.All(read.Events.Where(e => e.Provisional), e => Assert.Contains(e.RunId!, running.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.True(read.HighWatermark <= now);
    }

    [Fact]
    public async Task Reading_a_generated_project_finds_every_completed_pull_request_and_deployment()
    {
        var model = SimulatedAzureDevOps.Generate(5, projects: 1, reposPerProject: 2, prsPerRepo: 60, Start);
        var repo = model.Projects[0].Repository("catalog");
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web Platform/catalog"]);

        var read = await host.ReadAsync("Web Platform/catalog", Start.AddDays(-1));

        var completed = repo.PullRequests.Where(p => p.Status == "completed").Select(p => p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal(completed, read.Events.Where(e => e.Kind == FlowEventKind.ChangeMerged).Select(e => e.SubjectId).Order());
        var productionRecords = model.Projects[0].Environment("production").Records.Count(r => r.Build.Repository == repo && r.Result is "succeeded" or "failed");
        Assert.Equal(productionRecords, read.Events.Count(e => e.Kind == FlowEventKind.DeploymentFinished && e.Environment == "production"));
        Assert.DoesNotContain(read.Events, e => e.Kind == FlowEventKind.DeploymentFinished && e.Result is "cancelled" or "skipped");
        Assert.Equal(ado.RequestCount, read.Usage.Requests);
    }

    [Fact]
    public async Task The_wire_behaves_like_Azure_DevOps()
    {
        var model = new SimulatedAzureDevOps("DefaultCollection");
        model.AddProject("Web").AddRepository("checkout");
        using var ado = new AzureDevOpsSimulator(model, new AzureDevOpsSimulatorOptions { PathPrefix = "/tfs/DefaultCollection" });
        using var http = new HttpClient();
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + ado.Pat)));
        async Task<(HttpStatusCode, string, string?)> Get(string path, AuthenticationHeaderValue? auth)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ado.Url + path);
            request.Headers.Authorization = auth;
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.MediaType);
        }

        var ok = await Get("Web/_apis/git/repositories/checkout?api-version=7.1", basic);
        var unversioned = await Get("Web/_apis/git/repositories/checkout", basic);
        var anonymous = await Get("Web/_apis/git/repositories/checkout?api-version=7.1", null);
        var missing = await Get("Nope/_apis/git/repositories/checkout?api-version=7.1", basic);

        Assert.Equal((HttpStatusCode.OK, "application/json"), (ok.Item1, ok.Item3));
        Assert.Contains("\"defaultBranch\":\"refs/heads/main\"", ok.Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unversioned.Item1);
        Assert.Equal((HttpStatusCode.NonAuthoritativeInformation, "text/html"), (anonymous.Item1, anonymous.Item3));
        Assert.Equal(HttpStatusCode.NotFound, missing.Item1);
        Assert.Contains("TF200016", missing.Item2, StringComparison.Ordinal);
        Assert.StartsWith("/tfs/DefaultCollection/", Assert.Single(ado.Requests, r => r.StatusCode == 200).RawPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_project_lists_its_repositories_and_answers_artifact_uri_queries_in_the_real_shapes()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        web.AddRepository("empty", defaultBranch: "");
        web.AddRepository("old").Disable();
        web.AddRepository("checkout-fork").MarkAsFork();
        var pr = checkout.OpenPullRequest(SimulatedAdoIdentity.Person("alice@contoso.com"), Start).LinkWorkItem(7001, Start.AddDays(-1));
        using var ado = new AzureDevOpsSimulator(model);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + ado.Pat)));
        var uri = $"vstfs:///Git/PullRequestId/{web.Id}%2F{checkout.Id}%2F{pr.Id}"; // escapes in upper case, as the REST example writes them

        using var listing = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(ado.Url + "Web/_apis/git/repositories?api-version=7.1"), TestContext.Current.CancellationToken));
        using var content = new StringContent($$"""{"artifactUris":["{{uri}}","vstfs:///Git/Commit/x%2Fy%2Fz"]}""", Encoding.UTF8, "application/json");
        using var queried = await http.PostAsync(new Uri(ado.Url + "Web/_apis/wit/artifacturiquery?api-version=7.1-preview.1"), content, TestContext.Current.CancellationToken);
        using var links = System.Text.Json.JsonDocument.Parse(await queried.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        var repositories = listing.RootElement.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(4, listing.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(["checkout", "checkout-fork", "empty", "old"], repositories.Select(r => r.GetProperty("name").GetString()));
        Assert.All(repositories, r =>
        {
            Assert.Equal(("Web", "wellFormed"), (r.GetProperty("project").GetProperty("name").GetString(), r.GetProperty("project").GetProperty("state").GetString()));
            Assert.True(r.TryGetProperty("id", out _) && r.TryGetProperty("url", out _) && r.TryGetProperty("remoteUrl", out _));
        });
        var empty = repositories[2];
        Assert.False(empty.TryGetProperty("defaultBranch", out _));
        Assert.Equal(0, empty.GetProperty("size").GetInt64());
        Assert.Equal("refs/heads/main", repositories[0].GetProperty("defaultBranch").GetString());
        Assert.Equal([false, false, false, true], repositories.Select(r => r.GetProperty("isDisabled").GetBoolean()));
        Assert.Equal([false, true, false, false], repositories.Select(r => r.TryGetProperty("isFork", out var fork) && fork.GetBoolean()));

        var result = links.RootElement.GetProperty("artifactUrisQueryResult");
        var linked = Assert.Single(result.GetProperty(uri).EnumerateArray());
        Assert.Equal((7001, $"{ado.Url}_apis/wit/workItems/7001"), (linked.GetProperty("id").GetInt32(), linked.GetProperty("url").GetString()));
        Assert.Empty(result.GetProperty("vstfs:///Git/Commit/x%2Fy%2Fz").EnumerateArray());
    }

    private static string Summary(SimulatedAzureDevOps model) => string.Join('\n',
        model.Projects.SelectMany(p => p.Repositories).SelectMany(r => r.PullRequests)
            .Select(p => $"{p.Repository.Name}#{p.Id} {p.Scenario} {p.Status} {p.CreatedAt:O} {p.ClosedAt:O} {p.Threads.Count} {p.Commits.Count}")
            .Concat(model.Projects.SelectMany(p => p.Builds).Select(b => $"{b.Id} {b.Result} {b.QueueTime:O} {b.FinishTime:O} {b.Timeline.Count}"))
            .Concat(model.Projects.SelectMany(p => p.Environments).SelectMany(e => e.Records).Select(r => $"{r.Id} {r.Environment.Name} {r.Result} {r.FinishTime:O}")));
}
