using System.Net;
using System.Net.Sockets;
using FlowCollector.Worker.Cli;

namespace FlowCollector.Worker.Tests.EndToEnd;

public sealed class ValidateAndRunCommandTests : IDisposable
{
    private readonly WorkerScenario scenario = new();

    public void Dispose() => scenario.Dispose();

    [Fact]
    public async Task Validate_with_a_broken_config_prints_every_problem_by_key_and_exits_2()
    {
        var config = scenario.WriteConfig(
            new Dictionary<string, object?>
            {
                ["Sinks:InfluxDb:Url"] = "http://influx:8086",
                ["Collection:MaxConcurrentTargets"] = 0,
                ["Sources:GitHub:Cron"] = "every quarter hour",
            },
            repositories: ["contoso"],
            token: "");

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--config", config);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("Sources:GitHub:Repositories", stderr, StringComparison.Ordinal);
        Assert.Contains("'contoso'", stderr, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:Token", stderr, StringComparison.Ordinal);
        Assert.Contains("Sinks:InfluxDb:Bucket", stderr, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentTargets", stderr, StringComparison.Ordinal);
        Assert.Contains("Sources:GitHub:Cron", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace for expected errors
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Validate_with_a_good_config_checks_each_target_and_the_sink_and_writes_nothing()
    {
        var config = scenario.WriteConfig(repositories: ["contoso/web", "contoso/missing"]);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--config", config);

        Assert.True(code == ExitCodes.Failed, stdout + stderr);
        Assert.Contains("Configuration is valid.", stdout, StringComparison.Ordinal);
        Assert.Matches(@"ok\s+github:contoso/web \(every 00:15:00", stdout);
        Assert.Matches(@"FAILED github:contoso/missing", stdout);
        Assert.False(File.Exists(scenario.PointsPath), "validate must not write points");
    }

    [Fact]
    public async Task Validate_lists_an_organisation_and_checks_the_repositories_it_found_but_not_archived_ones()
    {
        scenario.Model.AddRepository("contoso/api");
        scenario.Model.AddRepository("contoso/old").IsArchived = true;
        var config = scenario.WriteConfig(new Dictionary<string, object?> { ["Sources:GitHub:Organizations:0:Name"] = "contoso" }, repositories: []);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--config", config);

        Assert.True(code == ExitCodes.Ok, stdout + stderr);
        Assert.Contains("Repositories of github: 2 (0 configured by name, 2 found by listing organisations or projects)", stdout, StringComparison.Ordinal);
        Assert.Matches(@"ok\s+github:contoso/api ", stdout);
        Assert.Matches(@"ok\s+github:contoso/web ", stdout);
        Assert.DoesNotContain("contoso/old", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_with_only_an_organisation_that_cannot_be_listed_says_why_and_collects_nothing()
    {
        var config = scenario.WriteConfig(new Dictionary<string, object?> { ["Sources:GitHub:Organizations:0:Name"] = "no-such-org" }, repositories: []);

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("once", "--config", config);

        Assert.Equal(ExitCodes.InvalidConfiguration, code);
        Assert.Contains("listing the repositories of github failed", stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-org", stderr, StringComparison.Ordinal);
        Assert.Contains("every repository listing failed", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(WorkerScenario.Token, stdout + stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(scenario.PointsPath));
    }

    [Fact]
    public async Task Validate_reports_an_unreachable_sink_on_one_line_and_exits_1()
    {
        var port = FreePort();
        var config = scenario.WriteConfig(new Dictionary<string, object?>
        {
            ["Sinks:InfluxDb:Url"] = $"http://127.0.0.1:{port}",
            ["Sinks:InfluxDb:ApiVersion"] = "V1",
            ["Sinks:InfluxDb:Database"] = "flow",
            ["Sinks:InfluxDb:Password"] = "influx-secret-password",
            ["Sinks:InfluxDb:Username"] = "flow",
        });

        var (code, stdout, stderr) = await WorkerScenario.RunAsync("validate", "--config", config);

        Assert.True(code == ExitCodes.Failed, stdout + stderr);
        Assert.Matches($@"Sink: influxdb v1 http://127\.0\.0\.1:{port}/? db=flow: .+", stdout);
        Assert.DoesNotContain(": reachable", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("influx-secret-password", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_serves_liveness_readiness_and_metrics_while_it_collects()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePort();
        var config = scenario.WriteConfig();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var run = FlowCollectorApp.RunAsync(["run", "--config", config, "--urls", $"http://127.0.0.1:{port}"], stdout, stderr, cancellationToken: stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        try
        {
            var live = await EventuallyAsync(() => http.GetAsync("/healthz", ct), r => r.StatusCode == HttpStatusCode.OK, run);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            var ready = await http.GetAsync("/readyz", ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // The first collection starts right away; its run counter shows up on /metrics once it finished. Wait for this
            // collection's own (GitHub) runs: the meter is listened to process-wide, so an Azure DevOps test running in the
            // same process at the same time can put its job runs on this page first.
            var metrics = await EventuallyAsync(
                () => http.GetAsync("/metrics", ct),
                r => r.Content.ReadAsStringAsync(ct).Result.Split('\n').Any(l => l.StartsWith("flowcollector_job_runs", StringComparison.Ordinal) && l.Contains("vcs_provider_name=\"github\"", StringComparison.Ordinal)),
                run);
            var text = await metrics.Content.ReadAsStringAsync(ct);
            // Semantic-convention attribute names; API requests are HttpClient's http.client.request.duration.
            Assert.Contains("flowcollector_outcome=\"success\"", text, StringComparison.Ordinal);
            Assert.Contains("vcs_provider_name=\"github\"", text, StringComparison.Ordinal);
            Assert.Contains("http_client_request_duration_seconds", text, StringComparison.Ordinal);
            Assert.Contains("http_response_status_code=\"200\"", text, StringComparison.Ordinal);
            Assert.Contains("flowcollector_targets_backfilling", text, StringComparison.Ordinal);
            Assert.DoesNotContain("flowcollector_api_requests", text, StringComparison.Ordinal);
            Assert.True(File.Exists(scenario.PointsPath));

            // /readyz in detail: every target's state, and none left in its first backfill once it was collected.
            var detail = await EventuallyAsync(() => http.GetAsync("/readyz", ct), r => r.Content.ReadAsStringAsync(ct).Result.Contains("\"collected\"", StringComparison.Ordinal), run);
            using var readiness = System.Text.Json.JsonDocument.Parse(await detail.Content.ReadAsStringAsync(ct));
            Assert.Equal("application/json; charset=utf-8", detail.Content.Headers.ContentType?.ToString());
            Assert.Equal("Healthy", readiness.RootElement.GetProperty("status").GetString());
            var target = Assert.Single(readiness.RootElement.GetProperty("targets").EnumerateArray());
            Assert.Equal(("github:contoso/web", "collected", false), (target.GetProperty("target").GetString(), target.GetProperty("state").GetString(), target.GetProperty("firstBackfill").GetBoolean()));
            Assert.True(target.GetProperty("requests").GetInt32() > 0);
            Assert.Empty(readiness.RootElement.GetProperty("backfilling").EnumerateArray());
        }
        finally
        {
            await stop.CancelAsync();
            var code = await run;
            Assert.True(code == ExitCodes.Ok, stderr.ToString());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> request, Func<HttpResponseMessage, bool> done, Task<int> run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"run exited early with code {await run}");
            }

            try
            {
                var response = await request();
                if (done(response) || DateTime.UtcNow > deadline)
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }
    }
}
