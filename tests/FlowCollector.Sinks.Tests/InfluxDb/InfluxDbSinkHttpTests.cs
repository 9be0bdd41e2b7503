using System.Text;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Ports;
using FlowCollector.Sinks.Tests.LineProtocol;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>The InfluxDB sink against a fake InfluxDB (WireMock.Net): exact requests, and how each answer is classified.</summary>
public sealed class InfluxDbSinkHttpTests : IDisposable
{
    private static readonly FlowPoint[] TwoPoints =
    [
        LineProtocolWriterTests.P("change_stage", [("repo", "web"), ("stage", "ci")], [("change_id", FieldValue.Of("42")), ("seconds", FieldValue.Of(90.5))], 1_741_003_200_000_000_042),
        LineProtocolWriterTests.P("change_stage", [("repo", "web"), ("stage", "review")], [("change_id", FieldValue.Of("43")), ("seconds", FieldValue.Of(3600.0))], 1_741_003_201_000_000_043),
    ];

    private readonly WireMockServer influx = WireMockServer.Start();

    public enum Api
    {
        V1,
        V2,
    }

    public void Dispose() => influx.Stop();

    [Fact]
    public async Task V2_posts_gzipped_line_protocol_with_token_org_bucket_and_ns_precision()
    {
        Respond("/api/v2/write", 204);
        using var provider = SinkProvider.Build(SinkProvider.V2(influx.Url!));

        await provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken);

        var request = Assert.Single(influx.LogEntries).RequestMessage;
        Assert.Equal("/api/v2/write", request.Path);
        Assert.Equal("contoso", request.Query!["org"].Single());
        Assert.Equal("flow", request.Query!["bucket"].Single());
        Assert.Equal("ns", request.Query!["precision"].Single());
        Assert.Equal($"Token {SinkProvider.Token}", request.Headers!["Authorization"].Single());
        Assert.Equal("gzip", request.Headers!["Content-Encoding"].Single());
        Assert.Equal(
            "change_stage,repo=web,stage=ci change_id=\"42\",seconds=90.5 1741003200000000042\nchange_stage,repo=web,stage=review change_id=\"43\",seconds=3600 1741003201000000043",
            request.Body);
    }

    [Fact]
    public async Task V1_posts_gzipped_line_protocol_to_write_with_db_rp_precision_and_basic_auth()
    {
        Respond("/write", 204);
        using var provider = SinkProvider.Build(SinkProvider.V1(influx.Url!, ("RetentionPolicy", "one year"), ("Username", "writer"), ("Password", SinkProvider.Password)));

        await provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken);

        var request = Assert.Single(influx.LogEntries).RequestMessage;
        Assert.Equal("/write", request.Path);
        Assert.Equal("flow", request.Query!["db"].Single());
        Assert.Equal("one year", request.Query!["rp"].Single());
        Assert.Equal("ns", request.Query!["precision"].Single());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"writer:{SinkProvider.Password}")), request.Headers!["Authorization"].Single());
        Assert.Equal("gzip", request.Headers!["Content-Encoding"].Single());
        Assert.Equal(
            "change_stage,repo=web,stage=ci change_id=\"42\",seconds=90.5 1741003200000000042\nchange_stage,repo=web,stage=review change_id=\"43\",seconds=3600 1741003201000000043",
            request.Body);
    }

    [Fact]
    public async Task V1_sends_a_token_as_Token_header_and_plain_body_when_gzip_is_off()
    {
        Respond("/write", 204);
        using var provider = SinkProvider.Build(SinkProvider.V1(influx.Url!, ("Token", SinkProvider.Token), ("Gzip", "false")));

        await provider.Sink().WriteAsync(TwoPoints[..1], TestContext.Current.CancellationToken);

        var request = Assert.Single(influx.LogEntries).RequestMessage;
        Assert.Equal($"Token {SinkProvider.Token}", request.Headers!["Authorization"].Single());
        Assert.False(request.Headers!.ContainsKey("Content-Encoding"));
        Assert.False(request.Query!.ContainsKey("rp"));
        Assert.Equal("change_stage,repo=web,stage=ci change_id=\"42\",seconds=90.5 1741003200000000042", request.Body);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task Splits_points_into_batches_of_BatchSize_lines(Api api)
    {
        Respond(WritePath(api), 204);
        using var provider = SinkProvider.Build(Settings(api, ("BatchSize", "2")));
        var points = Enumerable.Range(1, 5).Select(i => LineProtocolWriterTests.P("m", [], [("n", FieldValue.Of((long)i))], i)).ToArray();

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        // Batches are pipelined (two in flight by default), so they may arrive in any order.
        Assert.Equal(["m n=1i 1\nm n=2i 2", "m n=3i 3\nm n=4i 4", "m n=5i 5"], influx.LogEntries.Select(e => e.RequestMessage.Body).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task A_batch_the_server_finds_too_large_is_sent_in_halves_until_it_fits(Api api)
    {
        // This server takes at most two lines per request and answers 413 to more, as InfluxDB's max-body-size does.
        influx.Given(Request.Create().WithPath(WritePath(api)).UsingPost().WithBody((string? body) => (body ?? "").Split('\n').Length <= 2))
            .AtPriority(1).RespondWith(Response.Create().WithStatusCode(204));
        influx.Given(Request.Create().WithPath(WritePath(api)).UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(413)
            .WithHeader("Content-Type", "application/json")
            .WithBody(api == Api.V1 ? """{"error":"Request Entity Too Large"}""" : """{"code":"request too large","message":"unable to read data: points batch is too large"}"""));
        using var provider = SinkProvider.Build(Settings(api, ("BatchSize", "5")));
        var points = Enumerable.Range(1, 5).Select(i => LineProtocolWriterTests.P("m", [], [("n", FieldValue.Of((long)i))], i)).ToArray();

        await provider.Sink().WriteAsync(points, TestContext.Current.CancellationToken);

        // 5 lines → 413; halves of 2 (ok) and 3 (413) → 1 (ok) and 2 (ok): every line once, in order, in four accepted requests.
        var accepted = influx.LogEntries.Where(e => e.ResponseMessage.StatusCode is 204).Select(e => e.RequestMessage.Body).ToList();
        Assert.Equal(["m n=1i 1\nm n=2i 2", "m n=3i 3", "m n=4i 4\nm n=5i 5"], accepted);
        Assert.Equal(5, influx.LogEntries.Count);
    }

    public static TheoryData<Api, int, string, string[]> PermanentErrors => new()
    {
        { Api.V2, 401, """{"code":"unauthorized","message":"unauthorized access"}""", ["HTTP 401", "Sinks:InfluxDb:Token", "unauthorized access"] },
        { Api.V2, 403, """{"code":"forbidden","message":"insufficient permissions for write"}""", ["HTTP 403", "Sinks:InfluxDb:Token"] },
        { Api.V2, 404, """{"code":"not found","message":"bucket \"flow\" not found"}""", ["does not exist", "Sinks:InfluxDb:Bucket", "Sinks:InfluxDb:Org", "bucket \"flow\" not found"] },
        { Api.V2, 400, """{"code":"invalid","message":"unable to parse 'change_stage,repo=web seconds=': missing field value"}""", ["HTTP 400", "unable to parse 'change_stage,repo=web seconds=': missing field value", "FlowCollector bug"] },
        { Api.V2, 413, """{"code":"request too large","message":"too large"}""", ["Sinks:InfluxDb:BatchSize"] },
        { Api.V1, 401, """{"error":"authorization failed"}""", ["HTTP 401", "Sinks:InfluxDb:Username", "Sinks:InfluxDb:Password", "authorization failed"] },
        { Api.V1, 404, """{"error":"database not found: \"flow\""}""", ["does not exist", "Sinks:InfluxDb:Database", "database not found"] },
        { Api.V1, 404, "404 page not found", ["no InfluxDB v1 write API", "Sinks:InfluxDb:Url", "Sinks:InfluxDb:ApiVersion"] },
        { Api.V1, 400, """{"error":"unable to parse 'm,t=a\\ f=1 1': invalid tag format"}""", ["HTTP 400", "unable to parse 'm,t=a\\ f=1 1': invalid tag format", "FlowCollector bug"] },
        { Api.V1, 400, """{"error":"partial write: field type conflict: input field \"seconds\" on measurement \"change_stage\" is type string, already exists as type float dropped=1"}""", ["field type conflict"] },
        { Api.V1, 500, """{"error":"retention policy not found: yearly"}""", ["Sinks:InfluxDb:RetentionPolicy"] },
    };

    [Theory]
    [MemberData(nameof(PermanentErrors))]
    public async Task Permanent_errors_name_the_key_to_fix_and_are_not_retried(Api api, int status, string body, string[] mentioned)
    {
        Respond(WritePath(api), status, body);
        using var provider = SinkProvider.Build(Settings(api, ("Username", api == Api.V1 ? "writer" : null), ("Password", api == Api.V1 ? SinkProvider.Password : null)));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken));

        Assert.True(e.Permanent, e.Message);
        foreach (var text in mentioned)
        {
            Assert.Contains(text, e.Message, StringComparison.Ordinal);
        }

        Assert.Contains(influx.Url!.TrimEnd('/'), e.Message, StringComparison.Ordinal);
        AssertNoSecret(e.Message);
        // InfluxDB 1.x says 500 for a missing retention policy: retried, then recognised. A 413 is tried again as two
        // halves; the first half, a single line, is still too large, and nothing more can be split.
        var expectedAttempts = status >= 500 ? 4 : status == 413 ? 2 : 1;
        Assert.Equal(expectedAttempts, influx.LogEntries.Count);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task A_401_with_a_token_names_the_token_key_but_never_the_token(Api api)
    {
        Respond(WritePath(api), 401, """{"error":"authorization failed"}""");
        using var provider = SinkProvider.Build(Settings(api, ("Token", SinkProvider.Token)));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken));

        Assert.True(e.Permanent);
        Assert.Contains("Sinks:InfluxDb:Token", e.Message, StringComparison.Ordinal);
        AssertNoSecret(e.Message);
    }

    [Theory]
    [InlineData(Api.V1, 503)]
    [InlineData(Api.V2, 503)]
    [InlineData(Api.V1, 429)]
    [InlineData(Api.V2, 500)]
    public async Task A_transient_error_is_retried_and_then_succeeds(Api api, int status)
    {
        influx.Given(Request.Create().WithPath(WritePath(api)).UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"error":"engine: cache maximum memory size exceeded"}"""));
        influx.Given(Request.Create().WithPath(WritePath(api)).UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(204));
        using var provider = SinkProvider.Build(Settings(api));

        await provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken);

        var bodies = influx.LogEntries.Select(e => e.RequestMessage.Body).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]); // the retry re-sends the same (gzipped) body
        Assert.StartsWith("change_stage,repo=web,stage=ci", bodies[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task An_error_that_persists_becomes_a_transient_SinkException_after_the_retries(Api api)
    {
        Respond(WritePath(api), 503, """{"error":"overloaded"}""");
        using var provider = SinkProvider.Build(Settings(api, ("Token", SinkProvider.Token)));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken));

        Assert.False(e.Permanent);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("overloaded", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, influx.LogEntries.Count); // 1 + Sinks:InfluxDb:Resilience:Retry:MaxRetryAttempts
        AssertNoSecret(e.Message);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task An_unreachable_server_is_a_transient_error_naming_the_url_key(Api api)
    {
        var url = $"http://127.0.0.1:{SinkProvider.ClosedPort()}";
        using var provider = SinkProvider.Build(api == Api.V1 ? SinkProvider.V1(url, ("Token", SinkProvider.Token)) : SinkProvider.V2(url));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken));

        Assert.False(e.Permanent);
        Assert.Contains("Sinks:InfluxDb:Url", e.Message, StringComparison.Ordinal);
        Assert.Contains(url, e.Message, StringComparison.Ordinal);
        AssertNoSecret(e.Message);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task A_slow_server_times_out_as_a_transient_error(Api api)
    {
        influx.Given(Request.Create().WithPath(WritePath(api)).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(204).WithDelay(TimeSpan.FromSeconds(1.5)));
        using var provider = SinkProvider.Build(Settings(api, ("Timeout", "00:00:01"), ("Resilience:Retry:MaxRetryAttempts", "1")));

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken));

        Assert.False(e.Permanent);
        Assert.Contains("Sinks:InfluxDb:Timeout", e.Message, StringComparison.Ordinal);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.9)); // two attempts of 1 s, not one, and not the 1.5 s answer
    }

    [Fact]
    public async Task Points_older_than_the_retention_policy_count_as_written()
    {
        // InfluxDB 1.x stores the other points of the batch and reports the old ones as a partial write.
        Respond("/write", 400, """{"error":"partial write: points beyond retention policy dropped=1"}""");
        using var provider = SinkProvider.Build(Settings(Api.V1));

        await provider.Sink().WriteAsync(TwoPoints, TestContext.Current.CancellationToken);

        Assert.Single(influx.LogEntries);
    }

    [Fact]
    public async Task An_invalid_point_is_a_permanent_error_before_anything_is_sent()
    {
        Respond("/api/v2/write", 204);
        using var provider = SinkProvider.Build(Settings(Api.V2));

        var e = await Assert.ThrowsAsync<SinkException>(() => provider.Sink().WriteAsync(
            [LineProtocolWriterTests.P("m", [], [("seconds", FieldValue.Of(double.NaN))], 1)], TestContext.Current.CancellationToken));

        Assert.True(e.Permanent);
        Assert.Contains("'seconds'", e.Message, StringComparison.Ordinal);
        Assert.Empty(influx.LogEntries);
    }

    [Theory]
    [InlineData(Api.V1, "influxdb v1 {0} db=flow rp=yearly")]
    [InlineData(Api.V2, "influxdb v2 {0} org=contoso bucket=flow")]
    public void Description_names_the_target_without_secrets(Api api, string expected)
    {
        using var provider = SinkProvider.Build(Settings(api, ("RetentionPolicy", api == Api.V1 ? "yearly" : null), ("Token", SinkProvider.Token)));

        var description = provider.Sink().Description;

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, influx.Url!.TrimEnd('/')), description);
        AssertNoSecret(description);
    }

    [Theory]
    [InlineData(Api.V1)]
    [InlineData(Api.V2)]
    public async Task Check_pings_with_credentials_and_passes_on_204(Api api)
    {
        influx.Given(Request.Create().WithPath("/ping").UsingGet()).RespondWith(Response.Create().WithStatusCode(204));
        influx.Given(Request.Create().WithPath(api == Api.V2 ? "/api/v2/write" : "/write").UsingPost()).RespondWith(Response.Create().WithStatusCode(204));
        using var provider = SinkProvider.Build(Settings(api, ("Token", SinkProvider.Token)));

        Assert.Null(await provider.Sink().CheckAsync(TestContext.Current.CancellationToken));

        // A ping, then an empty write: the database or bucket exists and the credential may write to it.
        Assert.Equal(["/ping", api == Api.V2 ? "/api/v2/write" : "/write"], influx.LogEntries.Select(e => e.RequestMessage.Path));
        Assert.All(influx.LogEntries, e => Assert.Equal($"Token {SinkProvider.Token}", e.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Equal(0, influx.LogEntries[^1].RequestMessage.BodyAsBytes?.Length ?? 0);
    }

    [Theory]
    [InlineData(401, "Sinks:InfluxDb:Token")]
    [InlineData(404, "Sinks:InfluxDb:Url")]
    public async Task Check_reports_an_unauthorised_or_wrong_server_without_retrying(int status, string key)
    {
        influx.Given(Request.Create().WithPath("/ping").UsingGet()).RespondWith(Response.Create().WithStatusCode(status));
        using var provider = SinkProvider.Build(Settings(Api.V2));

        var problem = await provider.Sink().CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains(key, problem, StringComparison.Ordinal);
        AssertNoSecret(problem);
        Assert.Single(influx.LogEntries);
    }

    [Fact]
    public async Task Check_reports_an_unreachable_server()
    {
        using var provider = SinkProvider.Build(SinkProvider.V2($"http://127.0.0.1:{SinkProvider.ClosedPort()}"));

        var problem = await provider.Sink().CheckAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(problem);
        Assert.Contains("cannot reach", problem, StringComparison.Ordinal);
        Assert.Contains("Sinks:InfluxDb:Url", problem, StringComparison.Ordinal);
    }

    private static string WritePath(Api api) => api == Api.V1 ? "/write" : "/api/v2/write";

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(SinkProvider.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SinkProvider.Password, text, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(Api api, params (string Key, string? Value)[] overrides) =>
        api == Api.V1 ? SinkProvider.V1(influx.Url!, overrides) : SinkProvider.V2(influx.Url!, overrides);

    private void Respond(string path, int status, string? body = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        }

        influx.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(response);
    }
}
