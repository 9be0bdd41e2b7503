using System.Diagnostics;
using System.Net;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Testing.Simulation.AzureDevOps;
using static FlowCollector.Sources.Tests.AzureDevOps.AdoScenarios;

namespace FlowCollector.Sources.Tests.AzureDevOps;

/// <summary>Every expected failure is one actionable line without the credential; transient ones are retried; other targets are unaffected.</summary>
public sealed class AzureDevOpsEventSourceFailureTests
{
    private const string WrongPat = "wrongpat0000000000000000000000000000000000000000000mustnotleak";
    private const string PullRequests = "/Web/_apis/git/repositories/checkout/pullrequests";
    private const string Builds = "/Web/_apis/build/builds";

    [Fact]
    public async Task A_bad_PAT_gets_the_sign_in_page_and_is_reported_as_an_authentication_error_naming_the_key()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:Pat"] = WrongPat });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));
        var requests = ado.RequestCount;
        var check = await host.Source.CheckAsync(AzureDevOpsSourceHost.Repo("Web/checkout"), TestContext.Current.CancellationToken);

        Assert.Equal(
            "Azure DevOps answered GET /Web/_apis/git/repositories/checkout for contoso/Web/checkout with a sign-in page (203) instead of data: the credential was not accepted (expired, revoked, mistyped or for another organisation). Check Sources:AzureDevOps:Pat.",
            error.Message);
        Assert.Equal((false, error.Message), (check.Ok, check.Message));
        Assert.DoesNotContain(WrongPat, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, requests); // a sign-in page is not retried
    }

    [Fact]
    public async Task A_sign_in_page_in_the_middle_of_a_read_fails_the_read()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.SignInNext(Builds);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.StartsWith("Azure DevOps answered GET /Web/_apis/build/builds?", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("with a sign-in page (203) instead of data: the credential was not accepted (expired, revoked, mistyped or for another organisation). Check Sources:AzureDevOps:Pat.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_names_the_credential_key()
    {
        using var ado = new AzureDevOpsSimulator(Organisation(), new AzureDevOpsSimulatorOptions { RejectedCredentialStatus = 401 });
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:Pat"] = WrongPat });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Equal(
            "Azure DevOps rejected the credential for contoso/Web/checkout (401 TF400813: The user '' is not authorized to access this resource.): check Sources:AzureDevOps:Pat.",
            error.Message);
        Assert.Equal(1, ado.RequestCount);
    }

    [Fact]
    public async Task A_403_says_which_read_access_is_missing()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(Builds, 1, HttpStatusCode.Forbidden, "TF400813: The user 'collector@contoso.com' is not authorized to access this resource.");
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.StartsWith("Azure DevOps refused GET /Web/_apis/build/builds?", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            "for contoso/Web/checkout (403 TF400813: The user 'collector@contoso.com' is not authorized to access this resource.): give the identity of Sources:AzureDevOps:Pat read access (PAT scopes Code, Build, Release, Environment and Work Items: Read).",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_project_points_at_the_repository_list()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        using var host = AzureDevOpsSourceHost.For(ado, ["Missing/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Missing/checkout", T0.AddDays(-1)));

        Assert.Equal(
            $"Azure DevOps project or repository Missing/checkout was not found in {ado.Url} or is not visible to the credential (404 TF200016: The following project does not exist: Missing. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.): check Sources:AzureDevOps:Repositories and Sources:AzureDevOps:OrganizationUrl.",
            error.Message);
    }

    [Fact]
    public async Task An_unknown_repository_points_at_the_repository_list()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/missing"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/missing", T0.AddDays(-1)));

        Assert.StartsWith("Azure DevOps project or repository Web/missing was not found in", error.Message, StringComparison.Ordinal);
        Assert.Contains("TF401019: The Git repository with name or identifier missing does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_with_a_short_Retry_After_is_waited_for_and_retried()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(PullRequests, 1, HttpStatusCode.TooManyRequests, "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core'.", new Dictionary<string, string> { ["Retry-After"] = "1" });
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var attempts = ado.Requests.Where(r => r.Path == PullRequests).Take(2).ToList();
        Assert.Equal([429, 200], attempts.Select(r => r.StatusCode));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(900), $"waited only {attempts[1].At - attempts[0].At}");
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged);
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_the_maximum_wait_fails_the_read_with_the_wait()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(PullRequests, 5, HttpStatusCode.TooManyRequests, "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core'.", new Dictionary<string, string> { ["Retry-After"] = "3600" });
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:MaxThrottleWait"] = "00:00:00" });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Equal(
            "Azure DevOps throttled the reads of contoso/Web/checkout (429, retry after 3600 s: TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'Core'.). Nothing after the watermark was lost; the next run continues from it. Lower Sources:AzureDevOps:MaxConcurrentRequests or poll less often (Sources:AzureDevOps:Interval).",
            error.Message);
        Assert.Equal(1, ado.RequestsTo(PullRequests));
    }

    [Fact]
    public async Task A_Retry_After_on_a_200_delays_the_next_request()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.ThrottleNext("/Web/_apis/git/repositories/checkout", 1, retryAfterSeconds: 1);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        var first = ado.Requests.Take(2).ToList();
        Assert.Equal([200, 200], first.Select(r => r.StatusCode));
        Assert.True(first[1].At - first[0].At >= TimeSpan.FromMilliseconds(900), $"the next request came after {first[1].At - first[0].At}");
        Assert.Equal(0, read.Usage.RateLimitRemaining);
    }

    [Fact]
    public async Task A_transient_503_is_retried()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(PullRequests, 1, HttpStatusCode.ServiceUnavailable);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var read = await host.ReadAsync("Web/checkout", T0.AddDays(-1));

        Assert.Equal([503, 200], ado.Requests.Where(r => r.Path == PullRequests).Take(2).Select(r => r.StatusCode));
        Assert.Contains(read.Events, e => e.Kind == FlowEventKind.ChangeMerged);
    }

    [Fact]
    public async Task A_lasting_5xx_fails_after_the_retries_naming_the_endpoint()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext("/Web/_apis/build/builds/*/timeline", 100, HttpStatusCode.BadGateway);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?> { ["Sources:AzureDevOps:Resilience:Retry:MaxRetryAttempts"] = "2" });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        var build = ado.Model.Project("Web").Builds[0].Id;
        Assert.Equal($"Azure DevOps answered 502 Bad Gateway for GET /Web/_apis/build/builds/{build}/timeline (contoso/Web/checkout) after retries; the next run tries again.", error.Message);
        Assert.Equal(3, ado.RequestsTo("/Web/_apis/build/builds/*/timeline"));
    }

    [Fact]
    public async Task A_timeout_fails_after_the_retries_naming_the_endpoint()
    {
        using var ado = new AzureDevOpsSimulator(Organisation(), new AzureDevOpsSimulatorOptions { Latency = TimeSpan.FromSeconds(2) });
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Resilience:AttemptTimeout:Timeout"] = "00:00:00.300",
            ["Sources:AzureDevOps:Resilience:TotalRequestTimeout:Timeout"] = "00:00:05",
            ["Sources:AzureDevOps:Resilience:Retry:MaxRetryAttempts"] = "1",
        });

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Equal(
            "Azure DevOps did not answer GET /Web/_apis/git/repositories/checkout for contoso/Web/checkout in time, even after retries; the next run tries again (timeouts: Sources:AzureDevOps:Resilience).",
            error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Malformed_JSON_is_reported_as_a_malformed_payload()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.MalformNext(PullRequests);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.StartsWith($"Azure DevOps returned a malformed payload for GET {PullRequests}?", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Check that Sources:AzureDevOps:OrganizationUrl ({ado.Url}) is an organisation or collection URL.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_page_on_a_200_is_the_sign_in_page_too()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(PullRequests, 1, HttpStatusCode.OK, body: "<html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>", contentType: "text/html");
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Contains("with a sign-in page (200) instead of data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_HTML_page_on_a_200_points_at_the_organisation_URL_and_proxies_not_the_credential()
    {
        // Issue 21: a proxy's page or a web site at a mistyped URL is no reason to suspect the PAT.
        using var ado = new AzureDevOpsSimulator(Organisation());
        ado.FailNext(PullRequests, 1, HttpStatusCode.OK, body: "<html><head><title>Welcome to nginx!</title></head><body></body></html>", contentType: "text/html");
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"]);

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Contains("with an HTML page (200, \"Welcome to nginx!\") instead of data: that is not Azure DevOps' REST API", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Check that Sources:AzureDevOps:OrganizationUrl ({ado.Url}) is the organisation or collection URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("credential", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_target_leaves_the_other_targets_unaffected()
    {
        var model = Organisation();
        var api = model.Project("Web").AddRepository("api");
        api.OpenPullRequest(Bob, T0).Commit(T0.AddMinutes(-10)).Vote(Carol, 10, T0.AddHours(1)).Complete(T0.AddHours(2));
        using var ado = new AzureDevOpsSimulator(model);
        ado.FailNext(PullRequests, 100, HttpStatusCode.InternalServerError);
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout", "Web/api"], new Dictionary<string, string?> { ["Sources:AzureDevOps:Resilience:Retry:MaxRetryAttempts"] = "1" });

        await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));
        var other = await host.ReadAsync("Web/api", T0.AddDays(-1));

        Assert.Equal(T0.AddHours(2), other.HighWatermark);
        Assert.Contains(other.Events, e => e.Kind == FlowEventKind.ChangeMerged && e.Repository.Name == "api");
    }

    [Fact]
    public async Task An_Entra_ID_token_that_cannot_be_obtained_names_the_Entra_keys()
    {
        using var ado = new AzureDevOpsSimulator(Organisation());
        using var host = AzureDevOpsSourceHost.For(ado, ["Web/checkout"], new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:Authentication"] = "EntraId",
            ["Sources:AzureDevOps:EntraId:Credential"] = "WorkloadIdentity",
        }, credential: new FakeCredential(token: null));

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.Equal(
            "Could not get a Microsoft Entra ID token for Azure DevOps (WorkloadIdentityCredential authentication failed: AADSTS700211: No matching federated identity record found.): check Sources:AzureDevOps:EntraId and that the identity was added to the organisation.",
            error.Message);
        Assert.Equal(0, ado.RequestCount);
    }

    [Fact]
    public async Task An_unreachable_organisation_names_the_URL_key()
    {
        using var host = new AzureDevOpsSourceHost(new Dictionary<string, string?>
        {
            ["Sources:AzureDevOps:OrganizationUrl"] = "http://127.0.0.1:1/contoso",
            ["Sources:AzureDevOps:Pat"] = "pat",
            ["Sources:AzureDevOps:Repositories:0"] = "Web/checkout",
            ["Sources:AzureDevOps:Resilience:Retry:MaxRetryAttempts"] = "1",
            ["Sources:AzureDevOps:Resilience:Retry:Delay"] = "00:00:00",
        });

        var error = await Assert.ThrowsAsync<SourceException>(() => host.ReadAsync("Web/checkout", T0.AddDays(-1)));

        Assert.StartsWith("Could not reach Azure DevOps at http://127.0.0.1:1/contoso/ for contoso/Web/checkout (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("); check Sources:AzureDevOps:OrganizationUrl and the network.", error.Message, StringComparison.Ordinal);
    }

    private static SimulatedAzureDevOps Organisation()
    {
        var model = new SimulatedAzureDevOps();
        var web = model.AddProject("Web");
        var checkout = web.AddRepository("checkout");
        var sha = ReviewRounds(checkout).MergeCommitSha!;
        MultiStageRun(web, checkout, sha, T0.AddHours(5).AddMinutes(1));
        return model;
    }
}
