using System.Globalization;
using System.Net;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.GitHub.RateLimiting;

/// <summary>The limiter alone, in front of a stub GitHub whose budget runs on a fake clock.</summary>
public sealed class GitHubRateLimiterTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Hand-worked: limit 100, 5 left, reset at +60 s, reserve 10 % (10). The first answer reports 4 left; from then on
    /// the rest is spread until the reset: interval = time to reset / requests left, each slot after the previous one.
    /// #2 at 0 (first slot, next +15 = 60/4); #3 at 15 (next 15 + 60/3 = 35); #4 at 35 (at 15: 45/2 = 22.5 → next 57.5);
    /// #5 at 57.5; #6 finds 0 left and waits for the reset (60) + 1 s margin, when the window is full again.
    /// </summary>
    [Fact]
    public async Task Below_the_reserve_the_rest_of_the_budget_is_spread_until_the_reset()
    {
        using var harness = new Harness(limit: 100, remaining: 5, window: TimeSpan.FromSeconds(60));

        for (var i = 0; i < 6; i++)
        {
            using var response = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(new double[] { 0, 0, 15, 35, 57.5, 61 }, harness.Stub.SentAt.Select(t => (t - T0).TotalSeconds));
        Assert.Equal(["pacing", "pacing", "pacing", "primary"], harness.Waits.All.Select(w => w.Reason));
        Assert.Equal(0, harness.Stub.Refused);
    }

    [Fact]
    public async Task With_several_replicas_each_paces_at_its_share_and_leaves_one_request_of_slack_per_other_replica()
    {
        // 3 replicas, 7 left after the first answer: 7 - 2 slack = 5 available → 60 s × 3 / 5 = 36 s between this replica's requests.
        using var harness = new Harness(limit: 100, remaining: 8, window: TimeSpan.FromSeconds(60), replicas: 3);

        for (var i = 0; i < 3; i++)
        {
            using var response = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync());
        }

        Assert.Equal(new double[] { 0, 0, 36 }, harness.Stub.SentAt.Select(t => (t - T0).TotalSeconds));
    }

    [Fact]
    public async Task The_remaining_budget_is_a_gauge_per_credential_fingerprint_and_resource()
    {
        using var harness = new Harness(limit: 100, remaining: 42, window: TimeSpan.FromSeconds(60));
        Assert.Empty(harness.Waits.Remaining());

        using var response = await harness.SendAsync();

        Assert.Equal(new Dictionary<string, long> { ["core"] = 41 }, harness.Waits.Remaining());
    }

    [Fact]
    public async Task Concurrent_requests_never_overshoot_the_budget_and_all_succeed()
    {
        // 120 requests at once against 25 per minute: the first answer tells the budget, then in-flight requests count
        // as spent, so no window sees more than its limit and GitHub never has to refuse one.
        using var harness = new Harness(limit: 25, remaining: 25, window: TimeSpan.FromSeconds(60), reserve: 0);
        var requests = Enumerable.Range(0, 120).Select(_ => harness.SendAsync()).ToList();
        var all = Task.WhenAll(requests);
        while (!all.IsCompleted)
        {
            // The clock moves only while GitHub is idle, as if answers took no time: on a real clock a request is
            // answered long before the 1 s margin after a reset is used up.
            var sent = harness.Stub.SentAt.Count;
            await Task.WhenAny(all, Task.Delay(10, TestContext.Current.CancellationToken));
            if (harness.Stub.SentAt.Count == sent && harness.Stub.Answering == 0)
            {
                harness.Time.Advance(TimeSpan.FromMilliseconds(250));
            }
        }

        var responses = await all;
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, harness.Stub.Refused);
        Assert.All(harness.Stub.PerWindow, count => Assert.InRange(count, 1, 25));
        Assert.Equal(120, harness.Stub.PerWindow.Sum());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_budget_spent_elsewhere_makes_the_next_request_wait_for_the_reset_not_fail()
    {
        using var harness = new Harness(limit: 100, remaining: 0, window: TimeSpan.FromSeconds(600));

        using var first = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync());
        using var second = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync());

        // The first learns the budget from GitHub's 403 (remaining 0) and waits; the second has the whole new window.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(new double[] { 0, 601, 601 }, harness.Stub.SentAt.Select(t => (t - T0).TotalSeconds));
        Assert.Equal(new[] { ("primary", 601d) }, harness.Waits.All);
        Assert.Equal(1, harness.Stub.Refused);
    }

    [Fact]
    public async Task A_graphql_post_is_sent_again_with_its_body_after_a_secondary_limit()
    {
        using var harness = new Harness(limit: 5000, remaining: 5000, window: TimeSpan.FromHours(1));
        harness.Stub.SecondaryLimits.Enqueue("17");

        using var response = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync(HttpMethod.Post, "/graphql", """{"query":"{ viewer { login } }"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["""{"query":"{ viewer { login } }"}""", """{"query":"{ viewer { login } }"}"""], harness.Stub.Bodies);
        Assert.Equal(new[] { ("secondary", 17d) }, harness.Waits.All);
    }

    [Fact]
    public async Task Shutdown_ends_a_wait_at_once()
    {
        using var harness = new Harness(limit: 100, remaining: 0, window: TimeSpan.FromMinutes(30));
        using var cancel = new CancellationTokenSource();

        var waiting = harness.SendCancellableAsync(cancel.Token);
        while (harness.Waits.All.Count == 0)
        {
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Single(harness.Stub.SentAt);
    }

    [Fact]
    public async Task The_token_never_appears_in_metric_tags_or_logs()
    {
        using var harness = new Harness(limit: 100, remaining: 0, window: TimeSpan.FromSeconds(30));
        harness.Stub.SecondaryLimits.Enqueue(null);

        using var response = await harness.Waits.DriveAsync(harness.Time, harness.SendAsync());

        Assert.NotEmpty(harness.Waits.Tags);
        Assert.NotEmpty(harness.Logs);
        Assert.All(harness.Waits.Tags, t => Assert.DoesNotContain(Harness.Token, t.Tags, StringComparison.Ordinal));
        Assert.All(harness.Waits.Tags, t => Assert.Contains("credential=" + harness.Waits.Credential, t.Tags, StringComparison.Ordinal));
        Assert.All(harness.Logs, line => Assert.DoesNotContain(Harness.Token, line, StringComparison.Ordinal));
        Assert.Matches("^github:[0-9a-f]{16}$", harness.Waits.Credential);
        Assert.Equal(harness.Waits.Credential, GitHubRateBudgets.Fingerprint("bearer " + Harness.Token));
    }

    /// <summary>The limiter with its real collaborators, a fake clock, a capturing logger and <see cref="StubGitHub"/> behind it.</summary>
    private sealed class Harness : IDisposable
    {
        public const string Token = "ghp_limiter_test_token_never_shown";

        private readonly ServiceProvider services;
        private readonly HttpMessageInvoker invoker;
        private readonly ListLogger logger = new();

        public Harness(int limit, int remaining, TimeSpan window, double reserve = 0.1, int replicas = 1)
        {
            Time = new FakeTimeProvider(T0);
            services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            Waits = new RateLimitWaits(Token);
            Stub = new StubGitHub(Time, limit, remaining, window);
            var budgets = new GitHubRateBudgets(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Time);
            var limiter = new GitHubRateLimiter(budgets, Options.Create(new GitHubRateLimitOptions { Reserve = reserve }), new FixedReplicas(replicas), Time, logger)
            {
                InnerHandler = Stub,
            };
            invoker = new HttpMessageInvoker(limiter);
        }

        public FakeTimeProvider Time { get; }

        public StubGitHub Stub { get; }

        public RateLimitWaits Waits { get; }

        public IReadOnlyList<string> Logs => logger.Lines;

        public Task<HttpResponseMessage> SendAsync(HttpMethod? method = null, string path = "/repos/contoso/web/pulls", string? body = null) =>
            SendCancellableAsync(TestContext.Current.CancellationToken, method, path, body);

        public Task<HttpResponseMessage> SendCancellableAsync(CancellationToken cancellationToken, HttpMethod? method = null, string path = "/repos/contoso/web/pulls", string? body = null)
        {
            var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri("https://api.github.test" + path));
            request.Headers.TryAddWithoutValidation("Authorization", "token " + Token);
            if (body is not null)
            {
                request.Content = new StringContent(body);
            }

            return invoker.SendAsync(request, cancellationToken);
        }

        public void Dispose()
        {
            invoker.Dispose();
            Waits.Dispose();
            services.Dispose();
        }
    }

    private sealed class FixedReplicas(int count) : IBudgetSharing
    {
        public int Replicas => count;
    }

    /// <summary>GitHub's primary limit in miniature: a budget per window on the fake clock, 403 once it is spent, optional secondary limits.</summary>
    private sealed class StubGitHub(FakeTimeProvider time, int limit, int remaining, TimeSpan window) : HttpMessageHandler
    {
        private readonly Lock gate = new();
        private readonly List<int> perWindow = [0];
        private DateTimeOffset reset = time.GetUtcNow() + window;
        private int left = remaining;

        public List<DateTimeOffset> SentAt { get; } = [];

        public List<string> Bodies { get; } = [];

        /// <summary>Next answers that are a secondary limit: the <c>retry-after</c> value, or null for none.</summary>
        public Queue<string?> SecondaryLimits { get; } = new();

        public int Refused { get; private set; }

        private int answering;

        /// <summary>Requests received and not yet answered.</summary>
        public int Answering => Volatile.Read(ref answering);

        public IReadOnlyList<int> PerWindow
        {
            get
            {
                lock (gate)
                {
                    return [.. perWindow];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref answering);
            try
            {
                return await AnswerAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref answering);
            }
        }

        private async Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            await Task.Yield();
            lock (gate)
            {
                var now = time.GetUtcNow();
                SentAt.Add(now);
                if (body is not null)
                {
                    Bodies.Add(body);
                }

                if (now >= reset)
                {
                    reset = now + window;
                    left = limit;
                    perWindow.Add(0);
                }

                if (SecondaryLimits.TryDequeue(out var retryAfter))
                {
                    var secondary = Answer(HttpStatusCode.Forbidden, """{"message":"You have exceeded a secondary rate limit."}""");
                    if (retryAfter is not null)
                    {
                        secondary.Headers.TryAddWithoutValidation("retry-after", retryAfter);
                    }

                    return secondary;
                }

                if (left <= 0)
                {
                    Refused++;
                    return Answer(HttpStatusCode.Forbidden, """{"message":"API rate limit exceeded for user ID 1."}""");
                }

                left--;
                perWindow[^1]++;
                return Answer(HttpStatusCode.OK, "[]");
            }
        }

        private HttpResponseMessage Answer(HttpStatusCode status, string body)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
            response.Headers.TryAddWithoutValidation("x-ratelimit-limit", limit.ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", left.ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("x-ratelimit-used", (limit - left).ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("x-ratelimit-reset", reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("x-ratelimit-resource", "core");
            return response;
        }
    }

    private sealed class ListLogger : ILogger<GitHubRateLimiter>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

        public IReadOnlyList<string> Lines => [.. lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
