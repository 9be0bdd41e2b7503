using System.Diagnostics;
using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.GitHub;
using FlowCollector.Testing.Simulation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Bench.GitHub;

/// <summary>
/// <c>github</c>: what collecting a simulated organisation costs through the real GitHub source (registered with
/// <c>AddGitHubSource</c> as production does) against <see cref="GitHubSimulator"/>: API requests in total and per
/// pull request, for a first read and for an immediate incremental one (since = high watermark − 1 h), events
/// produced and wall time. The simulator runs in this process, so wall time and allocations include its work.
/// </summary>
internal sealed class GitHubBenchmark
{
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    private const int WarmSamples = 5;
    private const int Samples = 20;

    /// <summary>GitHub's primary budget for a personal access token.</summary>
    private const int HourlyBudget = 5_000;

    private readonly GitHubSettings settings;
    private readonly TextWriter output;
    private readonly ProgressLog progress;

    private GitHubBenchmark(GitHubSettings settings, TextWriter output, TextWriter progress)
    {
        this.settings = settings;
        this.output = output;
        this.progress = new ProgressLog(progress);
    }

    public static Task RunAsync(BenchArguments arguments, TextWriter output, TextWriter progress) =>
        new GitHubBenchmark(GitHubSettings.From(arguments), output, progress).RunAsync();

    private async Task RunAsync()
    {
        var s = settings;
        output.WriteLine("## github");
        output.WriteLine();
        MachineInfo.WriteTo(output);
        output.WriteLine($"Settings: {s.Repositories} repositories × {string.Join(" / ", s.PullRequests.Select(count => Figures.Count(count)))} pull requests each " +
            $"(SimulatedGitHub.Generate, seed {s.Seed}); simulator latency {s.LatencyMs} ms; {s.Repetitions} repetitions (wall time: median); " +
            $"source settings: {(s.SourceSettings.Count == 0 ? "defaults" : string.Join(", ", s.SourceSettings.Select(p => $"{p.Key}={p.Value}")))}.");
        output.WriteLine();

        // Bounded in time: a benchmark against a local server must stop by itself.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        progress.Write("warming up …");
        await MeasureAsync(20, 1, deadline.Token);

        var rows = new List<SizeResult>();
        foreach (var prs in s.PullRequests)
        {
            progress.Write($"{s.Repositories} × {prs} pull requests …");
            rows.Add(await MeasureAsync(prs, s.Repetitions, deadline.Token));
        }

        WriteFirstRead(rows);
        WriteIncrementalRead(rows);
        WriteEndpoints(rows);
        WriteServedAlone(rows);
        await WriteRePollAsync(deadline.Token);
        await WriteCostByApiAsync(deadline.Token);
    }

    /// <summary>
    /// A re-poll as the worker makes it (TargetCollector): probe with the validators kept from the last full read, and
    /// read only when the probe saw a change. Three cases per size: nothing changed; nothing changed but the token was
    /// rotated (GitHub binds ETags to the token, so no stored ETag matches: modelled by replacing them); one review
    /// submitted (the probe sees it and the incremental read follows).
    /// </summary>
    private async Task WriteRePollAsync(CancellationToken cancellationToken)
    {
        output.WriteLine("### Re-poll through the change probe (as the worker does: probe, then read only on a change)");
        output.WriteLine();
        var table = new MarkdownTable("repos × PRs", "case", "probe requests (304s)", "read requests", "REST budget spent", "GraphQL points", "events");
        foreach (var prs in settings.PullRequests)
        {
            progress.Write($"re-poll through the probe, {settings.Repositories} × {prs} pull requests …");
            var model = SimulatedGitHub.Generate(settings.Seed, settings.Repositories, prs, Start, settings.Shape);
            using var simulator = new GitHubSimulator(model, new GitHubSimulatorOptions { RateLimit = 10_000_000 });
            using var host = SourceHost.For(simulator, settings.SourceSettings);
            var probe = (IChangeProbe)host.Source;

            // The worker's first run: probe (nothing to compare with), then the full read; the validators are kept.
            var validators = new Dictionary<RepositoryRef, string>();
            var watermarks = new Dictionary<RepositoryRef, DateTimeOffset>();
            foreach (var repository in host.Source.ConfiguredRepositories)
            {
                validators[repository] = (await probe.ProbeAsync(repository, null, cancellationToken)).Validators;
                watermarks[repository] = (await host.Source.ReadAsync(repository, Start.AddDays(-1), cancellationToken)).HighWatermark ?? Start;
            }

            var size = $"{settings.Repositories} × {Figures.Count(prs)}";
            table.Add([size, "unchanged", .. await RePollAsync(host.Source, simulator, validators, watermarks, rotate: false, cancellationToken)]);
            table.Add([size, "unchanged, token rotated", .. await RePollAsync(host.Source, simulator, validators, watermarks, rotate: true, cancellationToken)]);
            var repo = model.Repositories[0];
            var open = repo.PullRequests.LastOrDefault(pr => pr.MergedAt is null && pr.ClosedAt is null) ?? repo.PullRequests[^1];
            open.Review("bench-reviewer", SimulatedReviewState.Commented, repo.PullRequests.Max(pr => pr.UpdatedAt).AddMinutes(1)); // "now": after every earlier update
            table.Add([size, "one review submitted", .. await RePollAsync(host.Source, simulator, validators, watermarks, rotate: false, cancellationToken)]);
        }

        table.WriteTo(output);
        output.WriteLine("REST budget spent: what x-ratelimit-remaining dropped by (a 304 costs nothing). \"Token rotated\" replaces every stored ETag, as a new");
        output.WriteLine("GitHub App installation token does: GitHub answers 200 and the body's SHA-256, equal to the stored one, still says \"unchanged\".");
        output.WriteLine();
    }

    /// <summary>One re-poll of every repository; the figures of the table's row (validators and watermarks are not updated).</summary>
    private static async Task<string[]> RePollAsync(
        IFlowEventSource source, GitHubSimulator simulator, Dictionary<RepositoryRef, string> validators, Dictionary<RepositoryRef, DateTimeOffset> watermarks, bool rotate, CancellationToken cancellationToken)
    {
        simulator.ResetCounts();
        var budget = simulator.RateLimitRemaining;
        var points = simulator.GraphQlPointsSpent;
        var probeRequests = 0;
        var readRequests = 0;
        var events = 0;
        foreach (var repository in source.ConfiguredRepositories)
        {
            var probed = await ((IChangeProbe)source).ProbeAsync(repository, rotate ? StaleETags(validators[repository]) : validators[repository], cancellationToken);
            probeRequests += probed.Usage.Requests;
            if (!probed.Unchanged)
            {
                var read = await source.ReadAsync(repository, watermarks[repository] - Overlap, cancellationToken);
                readRequests += read.Usage.Requests;
                events += read.Events.Count;
            }
        }

        var notModified = simulator.Requests.Count(r => r.StatusCode == 304);
        return [$"{Figures.Count(probeRequests)} ({Figures.Count(notModified)})", Figures.Count(readRequests), Figures.Count(budget - simulator.RateLimitRemaining), Figures.Count(simulator.GraphQlPointsSpent - points), Figures.Count(events)];
    }

    /// <summary>The validators with every ETag replaced by one the server never issued (what a token rotation does to them).</summary>
    private static string StaleETags(string validators)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(validators)!;
        foreach (var (_, resource) in json["r"]!.AsObject())
        {
            resource!["etag"] = "W/\"rotated\"";
        }

        return json.ToJsonString();
    }

    /// <summary>
    /// The figure the issue sets a target for: REST requests + GraphQL points per merged pull request of a first read,
    /// for each <c>Sources:GitHub:Api</c>, everything the source reads included (with the other settings as given).
    /// </summary>
    private async Task WriteCostByApiAsync(CancellationToken cancellationToken)
    {
        output.WriteLine("### Cost per merged pull request by Sources:GitHub:Api (first read)");
        output.WriteLine();
        var table = new MarkdownTable(
            "repos × PRs", "Api", "merged PRs (default branch)", "runs / deployments / trunk commits", "REST requests", "GraphQL queries", "GraphQL points", "REST + points", "per merged PR", "GraphQL queries by operation", "events");
        foreach (var prs in settings.PullRequests)
        {
            foreach (var api in new[] { GitHubApi.Rest, GitHubApi.GraphQl })
            {
                progress.Write($"cost with Api={api}, {settings.Repositories} × {prs} pull requests …");
                var model = SimulatedGitHub.Generate(settings.Seed, settings.Repositories, prs, Start, settings.Shape);
                using var simulator = new GitHubSimulator(model, new GitHubSimulatorOptions { RateLimit = 10_000_000 });
                var extra = new Dictionary<string, string>(settings.SourceSettings, StringComparer.OrdinalIgnoreCase) { ["Api"] = api.ToString() };
                using var host = SourceHost.For(simulator, extra);
                var read = await ReadAllAsync(host.Source, simulator, _ => Start.AddDays(-1), cancellationToken);
                var graphQlQueries = simulator.Requests.Count(r => r.Path == "/graphql");
                var rest = read.Requests - graphQlQueries;
                var points = simulator.GraphQlPointsSpent;
                var merged = model.Repositories.Sum(r => r.PullRequests.Count(pr => pr.IsMerged && pr.BaseBranch == r.DefaultBranch));
                var shape = $"{Figures.Count(model.Repositories.Sum(r => r.WorkflowRuns.Count))} / {Figures.Count(model.Repositories.Sum(r => r.Deployments.Count))} / {Figures.Count(model.Repositories.Sum(r => r.Trunk.Count))}";
                var byOperation = string.Join(", ", simulator.GraphQlRequestsByOperation.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
                table.Add(
                    $"{settings.Repositories} × {Figures.Count(prs)}", api.ToString(), Figures.Count(merged), shape, Figures.Count(rest), Figures.Count(graphQlQueries),
                    Figures.Count(points), Figures.Count(rest + points), Figures.Decimal((double)(rest + points) / merged, 3), byOperation.Length == 0 ? "–" : byOperation, Figures.Count(read.Events));
            }
        }

        table.WriteTo(output);
    }

    private async Task<SizeResult> MeasureAsync(int pullRequests, int repetitions, CancellationToken cancellationToken)
    {
        var model = SimulatedGitHub.Generate(settings.Seed, settings.Repositories, pullRequests, Start, settings.Shape);
        using var simulator = new GitHubSimulator(model, new GitHubSimulatorOptions
        {
            RateLimit = 10_000_000, // the benchmark measures requests; the budget is reported, not enforced
            Latency = TimeSpan.FromMilliseconds(settings.LatencyMs),
        });
        using var host = SourceHost.For(simulator, settings.SourceSettings);

        var first = new List<ReadResult>();
        var incremental = new List<ReadResult>();
        for (var i = 0; i < repetitions; i++)
        {
            var read = await ReadAllAsync(host.Source, simulator, _ => Start.AddDays(-1), cancellationToken);
            first.Add(read);
            incremental.Add(await ReadAllAsync(host.Source, simulator, repository => read.Watermarks[repository] - Overlap, cancellationToken));
        }

        var served = await ServedAloneAsync(simulator, cancellationToken);
        var onDefaultBranch = model.Repositories.Sum(r => r.PullRequests.Count(pr => pr.BaseBranch == r.DefaultBranch));
        var merged = model.Repositories.Sum(r => r.PullRequests.Count(pr => pr.IsMerged && pr.BaseBranch == r.DefaultBranch));
        var closedUnmerged = model.Repositories.Sum(r => r.PullRequests.Count(pr => !pr.IsMerged && pr.ClosedAt is not null && pr.BaseBranch == r.DefaultBranch));
        return new SizeResult(pullRequests, model.PullRequestCount, onDefaultBranch, merged, closedUnmerged, first, incremental, served);
    }

    /// <summary>
    /// What the simulator alone takes to serve the requests a read makes (plain GETs, no Octokit, no mapping), so the
    /// wall time of a read can be split between the in-process simulator and the collector.
    /// </summary>
    private static async Task<Served> ServedAloneAsync(GitHubSimulator simulator, CancellationToken cancellationToken)
    {
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        using var http = services.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", simulator.Token);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("FlowCollector.Bench");
        var repository = simulator.Model.Repositories[0];
        var pr = repository.PullRequests.Last(p => p.BaseBranch == repository.DefaultBranch);
        var root = $"{simulator.Url}repos/{repository.FullName}";
        var number = pr.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        async Task<(TimeSpan Elapsed, long Bytes)> GetAsync(params string[] urls)
        {
            var samples = new List<(TimeSpan, long)>();
            for (var i = 0; i < WarmSamples + Samples; i++)
            {
                var watch = Stopwatch.StartNew();
                long bytes = 0;
                foreach (var url in urls)
                {
                    bytes += (await http.GetByteArrayAsync(new Uri(url), cancellationToken)).LongLength;
                }

                samples.Add((watch.Elapsed, bytes));
            }

            // The first samples open the connection and let the JIT tier up; the median of the rest is the steady cost.
            return (Median.Of(samples.Skip(WarmSamples).Select(s => s.Item1)), samples[^1].Item2);
        }

        var list = await GetAsync($"{root}/pulls?state=all&sort=updated&direction=desc&per_page=100");
        var lists = await GetAsync($"{root}/pulls/{number}/commits?per_page=100", $"{root}/pulls/{number}/reviews?per_page=100", $"{root}/issues/{number}/timeline?per_page=100");
        simulator.ResetCounts();
        return new Served(list.Elapsed, list.Bytes, lists.Elapsed, lists.Bytes);
    }

    /// <summary>Reads every configured repository once, one after the other (as one collection run does per target).</summary>
    private static async Task<ReadResult> ReadAllAsync(IFlowEventSource source, GitHubSimulator simulator, Func<RepositoryRef, DateTimeOffset> since, CancellationToken cancellationToken)
    {
        simulator.ResetCounts();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var events = 0;
        var sourceRequests = 0;
        var watermarks = new Dictionary<RepositoryRef, DateTimeOffset>();
        foreach (var repository in source.ConfiguredRepositories)
        {
            var result = await source.ReadAsync(repository, since(repository), cancellationToken);
            events += result.Events.Count;
            sourceRequests += result.Usage.Requests;
            watermarks[repository] = result.HighWatermark ?? since(repository);
        }

        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new ReadResult(watch.Elapsed, simulator.RequestCount, sourceRequests, events, allocated, Endpoints.Count(simulator.Requests), watermarks);
    }

    private void WriteFirstRead(List<SizeResult> rows)
    {
        output.WriteLine("### First read (everything since before the first pull request)");
        output.WriteLine();
        var table = new MarkdownTable("repos × PRs", "PRs to default branch (merged / closed unmerged / open)", "requests", "requests per PR", "events", "events per PR", "wall ms", "ms per request", "allocated MiB (incl. simulator)", "PRs per 5,000-request hour");
        foreach (var row in rows)
        {
            var read = row.First[0];
            var wall = Median.Of(row.First.Select(r => r.Wall));
            table.Add(
                $"{settings.Repositories} × {Figures.Count(row.PerRepository)}",
                $"{Figures.Count(row.OnDefaultBranch)} ({Figures.Count(row.Merged)} / {Figures.Count(row.ClosedUnmerged)} / {Figures.Count(row.OnDefaultBranch - row.Merged - row.ClosedUnmerged)})",
                Figures.Count(read.Requests),
                Figures.Decimal((double)read.Requests / row.Total, 2), Figures.Count(read.Events), Figures.Decimal((double)read.Events / row.Total),
                Figures.Milliseconds(wall), Figures.Decimal(wall.TotalMilliseconds / read.Requests, 2), Memory.Megabytes((long)Median.Of(row.First.Select(r => r.Allocated))),
                Figures.Count(HourlyBudget / ((double)read.Requests / row.Total)));
            EnsureSameCount(row.First, row.Incremental);
        }

        table.WriteTo(output);
    }

    private void WriteIncrementalRead(List<SizeResult> rows)
    {
        output.WriteLine($"### Immediate second read (since = first read's high watermark − {Overlap.TotalHours:0} h)");
        output.WriteLine();
        var table = new MarkdownTable("repos × PRs", "PRs re-read", "requests", "of first read", "events", "wall ms");
        foreach (var row in rows)
        {
            var read = row.Incremental[0];
            table.Add(
                $"{settings.Repositories} × {Figures.Count(row.PerRepository)}", Figures.Count(read.Endpoints[Endpoints.PullRequestCommits]), Figures.Count(read.Requests),
                Figures.Decimal(100.0 * read.Requests / row.First[0].Requests) + " %", Figures.Count(read.Events), Figures.Milliseconds(Median.Of(row.Incremental.Select(r => r.Wall))));
        }

        table.WriteTo(output);
    }

    private void WriteEndpoints(List<SizeResult> rows)
    {
        output.WriteLine("### Requests by endpoint (first read / second read), paths after /repos/{owner}/{name}");
        output.WriteLine();
        var names = rows.SelectMany(r => r.First[0].Endpoints.Names.Concat(r.Incremental[0].Endpoints.Names))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(name => rows[^1].First[0].Endpoints[name]).ThenBy(name => name, StringComparer.Ordinal)
            .ToList();
        var table = new MarkdownTable(["GET", .. rows.Select(r => $"{settings.Repositories} × {Figures.Count(r.PerRepository)}")]);
        foreach (var name in names)
        {
            table.Add([name == "/" ? "(the repository)" : name, .. rows.Select(r => $"{r.First[0].Endpoints[name]} / {r.Incremental[0].Endpoints[name]}")]);
        }

        table.Add(["total (simulator's log)", .. rows.Select(r => $"{r.First[0].Requests} / {r.Incremental[0].Requests}")]);
        table.Add(["total (SourceReadResult.Usage.Requests)", .. rows.Select(r => $"{r.First[0].SourceRequests} / {r.Incremental[0].SourceRequests}")]);
        table.WriteTo(output);
    }

    private void WriteServedAlone(List<SizeResult> rows)
    {
        output.WriteLine($"### The simulator alone (plain GETs from an HttpClient; median of {Samples} after {WarmSamples})");
        output.WriteLine();
        var table = new MarkdownTable("repos × PRs", "GET pulls page (100 PRs) ms", "its size KiB", "one PR's commits + reviews + timeline ms", "their size KiB", "simulator's share of the first read (estimate)");
        foreach (var row in rows)
        {
            var read = row.First[0];
            var endpoints = read.Endpoints;
            var simulated = (row.Served.ListPage * endpoints[Endpoints.PullRequestList]) + (row.Served.PullRequestLists * endpoints[Endpoints.PullRequestCommits]);
            var wall = Median.Of(row.First.Select(r => r.Wall));
            table.Add(
                $"{settings.Repositories} × {Figures.Count(row.PerRepository)}",
                Figures.Milliseconds(row.Served.ListPage), Figures.Decimal(row.Served.ListPageBytes / 1024.0), Figures.Milliseconds(row.Served.PullRequestLists),
                Figures.Decimal(row.Served.PullRequestListsBytes / 1024.0), Figures.Decimal(100 * simulated / wall, 0) + " %");
        }

        table.WriteTo(output);
        output.WriteLine("The estimate multiplies these medians by the first read's pull-request requests (pages × list page + pull requests × their");
        output.WriteLine("three lists); requests to other endpoints (workflow runs, deployments) are not in it.");
        output.WriteLine();
    }

    /// <summary>Request counts must not vary between repetitions; if they do, the medians would mix different work.</summary>
    private static void EnsureSameCount(List<ReadResult> first, List<ReadResult> incremental)
    {
        if (first.Select(r => r.Requests).Distinct().Count() > 1 || incremental.Select(r => r.Requests).Distinct().Count() > 1)
        {
            throw new InvalidOperationException("Request counts differ between repetitions of the same read; the simulator or the source is not deterministic.");
        }
    }

    private sealed record SizeResult(int PerRepository, int Total, int OnDefaultBranch, int Merged, int ClosedUnmerged, List<ReadResult> First, List<ReadResult> Incremental, Served Served);

    /// <summary>Median time and size of raw responses: the first page of the pull-request list, and one pull request's three lists.</summary>
    private sealed record Served(TimeSpan ListPage, long ListPageBytes, TimeSpan PullRequestLists, long PullRequestListsBytes);

    private sealed record ReadResult(TimeSpan Wall, int Requests, int SourceRequests, int Events, long Allocated, Endpoints Endpoints, Dictionary<RepositoryRef, DateTimeOffset> Watermarks);

    /// <summary>
    /// The simulator's request log by endpoint: the path after <c>/repos/{owner}/{name}</c> with numbers, SHAs and
    /// compare ranges replaced by placeholders, so endpoints the source adds later show up without a change here.
    /// </summary>
    private sealed class Endpoints
    {
        public const string PullRequestList = "/pulls";
        public const string PullRequestCommits = "/pulls/{n}/commits";
        public const string PullRequestReviews = "/pulls/{n}/reviews";
        public const string IssueTimeline = "/issues/{n}/timeline";

        private readonly Dictionary<string, int> counts;

        private Endpoints(Dictionary<string, int> counts)
        {
            this.counts = counts;
        }

        public IEnumerable<string> Names => counts.Keys;

        public int this[string endpoint] => counts.GetValueOrDefault(endpoint);

        public static Endpoints Count(IReadOnlyList<SimulatedRequest> requests) =>
            new(requests.GroupBy(r => Pattern(r.Path), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

        private static string Pattern(string path)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (segments is not ["repos", _, _, ..])
            {
                return path;
            }

            var rest = segments[3..].Select(segment => segment switch
            {
                _ when segment.Contains("...", StringComparison.Ordinal) => "{base}...{head}",
                _ when segment.All(char.IsAsciiDigit) => "{n}",
                _ when segment.Length >= 7 && segment.All(char.IsAsciiHexDigitLower) => "{sha}",
                _ => segment,
            });
            return "/" + string.Join('/', rest);
        }
    }

    /// <summary>The GitHub source as the worker registers it; only the configuration points it at the simulator.</summary>
    private sealed class SourceHost : IDisposable
    {
        private readonly ServiceProvider provider;

        private SourceHost(ServiceProvider provider)
        {
            this.provider = provider;
            Source = provider.GetServices<IFlowEventSource>().Single(s => s.Source == GitHubEventSource.SourceName);
        }

        public IFlowEventSource Source { get; }

        public static SourceHost For(GitHubSimulator simulator, IReadOnlyDictionary<string, string> extra)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Sources:GitHub:ApiBaseAddress"] = simulator.Url,
                ["Sources:GitHub:Token"] = simulator.Token,
            };
            foreach (var (key, value) in extra)
            {
                settings[$"{GitHubSourceOptions.SectionName}:{key}"] = value;
            }

            var repositories = simulator.Model.Repositories;
            for (var i = 0; i < repositories.Count; i++)
            {
                settings[$"Sources:GitHub:Repositories:{i}"] = repositories[i].FullName;
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection().AddGitHubSource(configuration);
            return new SourceHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        }

        public void Dispose() => provider.Dispose();
    }
}

/// <summary>Options of <c>github</c>; <see cref="SourceSettings"/> are extra <c>Sources:GitHub</c> keys, relative to the section.</summary>
internal sealed record GitHubSettings(IReadOnlyList<int> PullRequests, int Repositories, int Repetitions, int Seed, int LatencyMs, IReadOnlyDictionary<string, string> SourceSettings)
{
    /// <summary>The generated organisation's shape: <c>--branch-runs N</c> (runs per pull request on its own branch), <c>--deploy-hours H</c> (batch deployment interval).</summary>
    public GitHubGenerationOptions Shape { get; init; } = new();

    public static GitHubSettings From(BenchArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new GitHubSettings(
            arguments.Ints("prs", [100, 500]),
            arguments.Int("repos", 1),
            arguments.Int("reps", 3),
            arguments.Int("seed", 7),
            arguments.Int("latency-ms", 0, minimum: 0),
            Pairs(arguments.Text("set")))
        {
            Shape = new GitHubGenerationOptions
            {
                PullRequestBranchRuns = arguments.Int("branch-runs", 0, minimum: 0),
                DeploymentInterval = TimeSpan.FromHours(arguments.Int("deploy-hours", 8)),
            },
        };
        arguments.EnsureAllRead();
        return settings;
    }

    /// <summary><c>Key=Value;Key=Value</c>.</summary>
    private static Dictionary<string, string> Pairs(string? text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.Split('=', 2) is not [{ Length: > 0 } key, var value])
            {
                throw new BenchUsageException($"--set {text}: '{pair}' is not Key=Value (keys are relative to Sources:GitHub, e.g. --set PageSize=50)");
            }

            pairs[key] = value;
        }

        return pairs;
    }
}
