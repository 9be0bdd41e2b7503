using System.Diagnostics;
using System.Globalization;
using FlowCollector.Bench.Measurement;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Ports;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Testing.Simulation.AzureDevOps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.Bench.AzureDevOps;

/// <summary>
/// <c>azuredevops</c>: what a backfill of one project costs through the real Azure DevOps source (registered with
/// <c>AddAzureDevOpsSource</c> as production does, PAT authentication) against <see cref="AzureDevOpsSimulator"/>:
/// requests in total, per completed pull request, per build and per deployment, by endpoint, events and wall time;
/// then an immediate re-poll of the unchanged project (since = high watermark − overlap). The simulator runs in this
/// process, so wall time includes its work.
/// </summary>
internal sealed class AzureDevOpsBenchmark
{
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The source's default <c>Sources:AzureDevOps:Overlap</c>.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    private readonly AzureDevOpsSettings settings;
    private readonly TextWriter output;
    private readonly ProgressLog progress;

    private AzureDevOpsBenchmark(AzureDevOpsSettings settings, TextWriter output, TextWriter progress)
    {
        this.settings = settings;
        this.output = output;
        this.progress = new ProgressLog(progress);
    }

    public static Task RunAsync(BenchArguments arguments, TextWriter output, TextWriter progress) =>
        new AzureDevOpsBenchmark(AzureDevOpsSettings.From(arguments), output, progress).RunAsync();

    private async Task RunAsync()
    {
        var s = settings;
        output.WriteLine("## azuredevops");
        output.WriteLine();
        MachineInfo.WriteTo(output);
        output.WriteLine($"Settings: 1 project × {s.Repositories} repositories, target {Figures.Count(s.CompletedPullRequests)} completed pull requests and {Figures.Count(s.Builds)} builds " +
            $"(SimulatedAzureDevOps.Generate, seed {s.Seed}; builds beyond the generator's one CI run per completed pull request: {string.Join(" / ", s.ExtraBuilds)}); " +
            $"simulator latency {s.LatencyMs} ms; {s.Repetitions} repetitions (wall time: median); " +
            $"source settings: {(s.SourceSettings.Count == 0 ? "defaults" : string.Join(", ", s.SourceSettings.Select(p => $"{p.Key}={p.Value}")))}.");
        output.WriteLine();

        // Bounded in time: a benchmark against a local server must stop by itself.
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        progress.Write("warming up …");
        await MeasureAsync(Shape.Build(s with { CompletedPullRequests = 20, Builds = 40, Repositories = 1 }, ExtraBuilds.PullRequest), 1, deadline.Token);

        var rows = new List<ShapeResult>();
        foreach (var extra in s.ExtraBuilds)
        {
            progress.Write($"generating: {s.CompletedPullRequests} completed PRs, {s.Builds} builds ({extra}) …");
            var shape = Shape.Build(s, extra);
            progress.Write($"generated {shape.Describe()}; reading …");
            rows.Add(await MeasureAsync(shape, s.Repetitions, deadline.Token));
        }

        WriteShapes(rows);
        WriteBackfill(rows);
        WriteRepoll(rows);
        WriteEndpoints(rows);
    }

    private async Task<ShapeResult> MeasureAsync(Shape shape, int repetitions, CancellationToken cancellationToken)
    {
        using var simulator = new AzureDevOpsSimulator(shape.Model, new AzureDevOpsSimulatorOptions { Latency = TimeSpan.FromMilliseconds(settings.LatencyMs) });
        using var host = SourceHost.For(simulator, settings.SourceSettings);
        var backfill = new List<ReadResult>();
        var repoll = new List<ReadResult>();
        for (var i = 0; i < repetitions; i++)
        {
            var read = await ReadAllAsync(host.Source, simulator, _ => Start.AddDays(-1), cancellationToken);
            backfill.Add(read);
            repoll.Add(await ReadAllAsync(host.Source, simulator, repository => read.Watermarks[repository] - Overlap, cancellationToken));
        }

        if (backfill.Select(r => r.Requests).Distinct().Count() > 1 || repoll.Select(r => r.Requests).Distinct().Count() > 1)
        {
            throw new InvalidOperationException("Request counts differ between repetitions of the same read; the simulator or the source is not deterministic.");
        }

        // What `run` pays between full reads (Collection:ReconcileInterval): the change probe of the unchanged project.
        var probe = (IChangeProbe)host.Source;
        var validators = new Dictionary<RepositoryRef, string>();
        foreach (var repository in host.Source.ConfiguredRepositories)
        {
            validators[repository] = (await probe.ProbeAsync(repository, null, cancellationToken)).Validators;
        }

        simulator.ResetCounts();
        foreach (var repository in host.Source.ConfiguredRepositories)
        {
            if (!(await probe.ProbeAsync(repository, validators[repository], cancellationToken)).Unchanged)
            {
                throw new InvalidOperationException($"The probe of the unchanged {repository.Key} reported a change.");
            }
        }

        return new ShapeResult(shape, backfill, repoll, simulator.RequestCount);
    }

    /// <summary>Reads every configured repository once, one after the other (as one collection run does per target).</summary>
    private static async Task<ReadResult> ReadAllAsync(IFlowEventSource source, AzureDevOpsSimulator simulator, Func<RepositoryRef, DateTimeOffset> since, CancellationToken cancellationToken)
    {
        simulator.ResetCounts();
        var watch = Stopwatch.StartNew();
        var events = new List<FlowEvent>();
        var sourceRequests = 0;
        var watermarks = new Dictionary<RepositoryRef, DateTimeOffset>();
        foreach (var repository in source.ConfiguredRepositories)
        {
            var result = await source.ReadAsync(repository, since(repository), cancellationToken);
            events.AddRange(result.Events);
            sourceRequests += result.Usage.Requests;
            watermarks[repository] = result.HighWatermark ?? since(repository);
        }

        watch.Stop();
        var requests = simulator.Requests;
        var failed = requests.Where(r => r.StatusCode >= 300).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"{failed.Count} requests were not answered 2xx, e.g. {failed[0].StatusCode} for {failed[0].Path}?{failed[0].Query}: the figures would not be a clean read.");
        }

        return new ReadResult(watch.Elapsed, requests.Count, sourceRequests, events.Count, Counted.From(events), Endpoints.Count(requests, simulator.Model), watermarks);
    }

    private void WriteShapes(List<ShapeResult> rows)
    {
        output.WriteLine("### The project (what the generator produced; the source reads default-branch builds only)");
        output.WriteLine();
        var table = new MarkdownTable("extra builds", "repos", "PRs (completed / abandoned / active)", "builds (default branch / other)", "environment records (finished runs)", "linked work items");
        foreach (var row in rows)
        {
            var shape = row.Shape;
            table.Add(
                shape.Extra.ToString(), Figures.Count(settings.Repositories),
                $"{Figures.Count(shape.PullRequests)} ({Figures.Count(shape.Completed)} / {Figures.Count(shape.Abandoned)} / {Figures.Count(shape.PullRequests - shape.Completed - shape.Abandoned)})",
                $"{Figures.Count(shape.BuildCount)} ({Figures.Count(shape.DefaultBranchBuilds)} / {Figures.Count(shape.BuildCount - shape.DefaultBranchBuilds)})",
                Figures.Count(shape.Records), Figures.Count(shape.WorkItems));
        }

        table.WriteTo(output);
    }

    private void WriteBackfill(List<ShapeResult> rows)
    {
        output.WriteLine("### Backfill (everything since one day before the first pull request)");
        output.WriteLine();
        var table = new MarkdownTable(
            "extra builds", "requests", "pull-request part", "per completed PR", "build part", "per build read", "per build in project", "deployment part", "deployments (production)", "per deployment",
            "events", "items read", "requests per item", "wall ms", "ms per request");
        foreach (var row in rows)
        {
            var read = row.Backfill[0];
            var e = read.Endpoints;
            var wall = Median.Of(row.Backfill.Select(r => r.Wall));
            var items = row.Shape.Completed + row.Shape.Abandoned + read.Counted.BuildsRead + read.Counted.Deployments;
            table.Add(
                row.Shape.Extra.ToString(), Figures.Count(read.Requests),
                Figures.Count(e.PullRequestPart), Figures.Decimal((double)e.PullRequestPart / row.Shape.Completed, 2),
                Figures.Count(e.BuildPart), Figures.Decimal((double)e.BuildPart / read.Counted.BuildsRead, 2), Figures.Decimal((double)e.BuildPart / row.Shape.BuildCount, 2),
                Figures.Count(e.DeploymentPart), $"{Figures.Count(read.Counted.Deployments)} ({Figures.Count(read.Counted.ProductionDeployments)})",
                Figures.Decimal((double)e.DeploymentPart / read.Counted.Deployments, 2),
                Figures.Count(read.Events), Figures.Count(items), Figures.Decimal((double)read.Requests / items, 2),
                Figures.Milliseconds(wall), Figures.Decimal(wall.TotalMilliseconds / read.Requests, 2));
        }

        table.WriteTo(output);
        output.WriteLine("Parts: pull-request = repository, pull-request lists, per-PR commits/threads, work-item link queries (200 PRs each), work-item batches;");
        output.WriteLine("build = build lists and timelines; deployment = environments, deployment records and change sets.");
        output.WriteLine("Items read = completed + abandoned PRs + builds read + deployments (what one-request-per-item would fetch one by one).");
        output.WriteLine("The source reads one request at a time per repository: against a real server, wall time ≈ requests × round trip.");
        output.WriteLine();
    }

    private void WriteRepoll(List<ShapeResult> rows)
    {
        output.WriteLine($"### Immediate re-poll of the unchanged project (since = backfill's high watermark − {Overlap.TotalHours:0} h)");
        output.WriteLine();
        var table = new MarkdownTable("extra builds", "requests", "of backfill", "PRs re-read", "builds re-read", "deployments re-read", "events", "wall ms", "one-request-per-item re-poll", "change probe (run, between full reads)");
        foreach (var row in rows)
        {
            var read = row.Repoll[0];
            var items = row.Shape.Completed + row.Shape.Abandoned + row.Backfill[0].Counted.BuildsRead + row.Backfill[0].Counted.Deployments;
            table.Add(
                row.Shape.Extra.ToString(), Figures.Count(read.Requests), Figures.Decimal(100.0 * read.Requests / row.Backfill[0].Requests, 2) + " %",
                Figures.Count(read.Endpoints[Endpoints.PullRequestThreads]), Figures.Count(read.Endpoints[Endpoints.Timeline]), Figures.Count(read.Counted.Deployments),
                Figures.Count(read.Events), Figures.Milliseconds(Median.Of(row.Repoll.Select(r => r.Wall))), Figures.Count(items), Figures.Count(row.ProbeRequests));
        }

        table.WriteTo(output);
        output.WriteLine("One-request-per-item re-poll: a collector without time-window queries re-fetching every known PR, build and deployment.");
        output.WriteLine();
    }

    private void WriteEndpoints(List<ShapeResult> rows)
    {
        output.WriteLine("### Requests by endpoint (backfill / re-poll), paths after {organization}/{project}/_apis");
        output.WriteLine();
        var names = rows.SelectMany(r => r.Backfill[0].Endpoints.Names.Concat(r.Repoll[0].Endpoints.Names))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(name => rows[^1].Backfill[0].Endpoints[name]).ThenBy(name => name, StringComparer.Ordinal)
            .ToList();
        var table = new MarkdownTable(["endpoint (GET; wit/artifacturiquery and wit/wiql: POST)", .. rows.Select(r => $"extra builds: {r.Shape.Extra}")]);
        foreach (var name in names)
        {
            table.Add([name, .. rows.Select(r => $"{Figures.Count(r.Backfill[0].Endpoints[name])} / {Figures.Count(r.Repoll[0].Endpoints[name])}")]);
        }

        table.Add(["total (simulator's log)", .. rows.Select(r => $"{Figures.Count(r.Backfill[0].Requests)} / {Figures.Count(r.Repoll[0].Requests)}")]);
        table.Add(["total (SourceReadResult.Usage.Requests)", .. rows.Select(r => $"{Figures.Count(r.Backfill[0].SourceRequests)} / {Figures.Count(r.Repoll[0].SourceRequests)}")]);
        table.WriteTo(output);
    }

    private sealed record ShapeResult(Shape Shape, List<ReadResult> Backfill, List<ReadResult> Repoll, int ProbeRequests);

    private sealed record ReadResult(TimeSpan Wall, int Requests, int SourceRequests, int Events, Counted Counted, Endpoints Endpoints, Dictionary<RepositoryRef, DateTimeOffset> Watermarks);

    /// <summary>What the events say was read: builds (one <c>Run…</c> subject each) and deployments (distinct subjects).</summary>
    private sealed record Counted(int BuildsRead, int Deployments, int ProductionDeployments)
    {
        public static Counted From(List<FlowEvent> events)
        {
            var deployments = events
                .Where(e => e.Kind is FlowEventKind.DeploymentQueued or FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished)
                .Select(e => (e.Repository, e.Environment, e.SubjectId))
                .Distinct()
                .ToList();
            var builds = events.Where(e => e.Kind is FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished).Select(e => (e.Repository, e.SubjectId)).Distinct().Count();
            return new Counted(builds, deployments.Count, deployments.Count(d => string.Equals(d.Environment, "production", StringComparison.Ordinal)));
        }
    }

    /// <summary>Extra builds on top of the generator's one CI run (with deployments) per completed pull request.</summary>
    internal enum ExtraBuilds
    {
        /// <summary>Pull-request validation runs (<c>refs/pull/{id}/merge</c>, reason <c>pullRequest</c>), as a build-validation branch policy queues them.</summary>
        PullRequest,

        /// <summary>Scheduled runs of the default branch (reason <c>schedule</c>, one Build stage, no deployment): the source reads each with its timeline.</summary>
        Trunk,
    }

    /// <summary>A generated project brought to the wanted numbers of completed pull requests and builds.</summary>
    private sealed record Shape(SimulatedAzureDevOps Model, ExtraBuilds Extra, int PullRequests, int Completed, int Abandoned, int BuildCount, int DefaultBranchBuilds, int Records, int WorkItems)
    {
        public static Shape Build(AzureDevOpsSettings settings, ExtraBuilds extra)
        {
            // The generator abandons about 1 pull request in 10; one correction after a first try lands close to the target.
            var perRepository = (int)Math.Ceiling(settings.CompletedPullRequests / 0.9 / settings.Repositories);
            var model = Generate(settings, perRepository);
            var completed = Count(model, "completed");
            if (completed != settings.CompletedPullRequests && completed > 0)
            {
                perRepository = (int)Math.Round(perRepository * (double)settings.CompletedPullRequests / completed);
                model = Generate(settings, perRepository);
            }

            var project = model.Projects[0];
            var missing = settings.Builds - model.BuildCount;
            if (missing > 0)
            {
                if (extra == ExtraBuilds.PullRequest)
                {
                    AddValidationRuns(project, missing);
                }
                else
                {
                    AddScheduledRuns(project, missing);
                }
            }

            var repositories = project.Repositories;
            var builds = project.Builds;
            return new Shape(
                model,
                extra,
                model.PullRequestCount,
                Count(model, "completed"),
                Count(model, "abandoned"),
                builds.Count,
                builds.Count(b => b.SourceBranch == "refs/heads/" + b.Repository.DefaultBranch),
                project.Environments.Sum(e => e.Records.Count(r => r.Build.Status == "completed")),
                repositories.Sum(r => r.PullRequests.Sum(p => p.WorkItems.Count)));
        }

        public string Describe() =>
            $"{PullRequests} PRs ({Completed} completed), {BuildCount} builds ({DefaultBranchBuilds} on the default branch), {Records} environment records";

        private static SimulatedAzureDevOps Generate(AzureDevOpsSettings settings, int perRepository) =>
            SimulatedAzureDevOps.Generate(settings.Seed, 1, settings.Repositories, perRepository, Start);

        private static int Count(SimulatedAzureDevOps model, string status) =>
            model.Projects.SelectMany(p => p.Repositories).Sum(r => r.PullRequests.Count(p => p.Status == status));

        /// <summary>Spreads <paramref name="count"/> validation runs over the pull requests, 20 minutes apart per pull request (one per push).</summary>
        private static void AddValidationRuns(SimulatedAdoProject project, int count)
        {
            var pullRequests = project.Repositories.SelectMany(r => r.PullRequests).OrderBy(p => p.Id).ToList();
            for (var i = 0; i < count; i++)
            {
                var pr = pullRequests[i % pullRequests.Count];
                var round = i / pullRequests.Count;
                var queued = pr.CreatedAt.AddMinutes(2 + (20 * round));
                var id = pr.Id.ToString(CultureInfo.InvariantCulture);
                var sha = pr.Commits[Math.Min(round, pr.Commits.Count - 1)].Sha;
                var finished = queued.AddMinutes(6);
                project.QueueBuild(pr.Repository, pr.Repository.Name + "-validation", sha, queued, "pullRequest", $"refs/pull/{id}/merge")
                    .Start(queued.AddSeconds(30)).Stage("Build", queued.AddSeconds(30), finished).Finish(finished.AddSeconds(2));
            }
        }

        /// <summary>Spreads <paramref name="count"/> scheduled runs of the default branch evenly over the project's history, each on the trunk's newest commit at that time.</summary>
        private static void AddScheduledRuns(SimulatedAdoProject project, int count)
        {
            var repositories = project.Repositories.Where(r => r.Trunk.Count > 0).ToList();
            var perRepository = (count / repositories.Count) + 1;
            for (var i = 0; i < count; i++)
            {
                var repository = repositories[i % repositories.Count];
                var trunk = repository.Trunk;
                var span = trunk[^1].At - trunk[0].At;
                var queued = trunk[0].At + (span * ((i / repositories.Count) + 0.5) / perRepository);
                var sha = trunk.Last(c => c.At <= queued).Sha;
                var finished = queued.AddMinutes(8);
                project.QueueBuild(repository, repository.Name + "-nightly", sha, queued, "schedule")
                    .Start(queued.AddSeconds(20)).Stage("Build", queued.AddSeconds(20), finished).Finish(finished.AddSeconds(2));
            }
        }
    }

    /// <summary>
    /// The simulator's request log by endpoint: the canonical path after <c>{project}/_apis</c> with the repository and
    /// numbers replaced by placeholders, so endpoints the source adds later show up without a change here.
    /// </summary>
    private sealed class Endpoints
    {
        public const string PullRequestThreads = "git/repositories/{repo}/pullrequests/{n}/threads";
        public const string Timeline = "build/builds/{n}/timeline";

        private readonly Dictionary<string, int> counts;

        private Endpoints(Dictionary<string, int> counts)
        {
            this.counts = counts;
        }

        public IEnumerable<string> Names => counts.Keys;

        public int this[string endpoint] => counts.GetValueOrDefault(endpoint);

        public int PullRequestPart => counts.Where(c => c.Key.StartsWith("git/", StringComparison.Ordinal) || c.Key.StartsWith("wit/", StringComparison.Ordinal)).Sum(c => c.Value);

        public int BuildPart => this[Timeline] + this["build/builds"];

        public int DeploymentPart => counts.Where(c => c.Key.StartsWith("distributedtask/", StringComparison.Ordinal) || c.Key.EndsWith("/changes", StringComparison.Ordinal)).Sum(c => c.Value);

        public static Endpoints Count(IReadOnlyList<AzureDevOpsSimulatedRequest> requests, SimulatedAzureDevOps model)
        {
            var repositories = model.Projects.SelectMany(p => p.Repositories).Select(r => r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return new(requests.GroupBy(r => Pattern(r.Path, repositories), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
        }

        private static string Pattern(string path, HashSet<string> repositories)
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var apis = Array.FindIndex(segments, s => string.Equals(s, "_apis", StringComparison.OrdinalIgnoreCase));
            if (apis < 0)
            {
                return path;
            }

            var rest = segments[(apis + 1)..].Select((segment, i) => segment switch
            {
                _ when segment.All(char.IsAsciiDigit) => "{n}",
                _ when i == 2 && repositories.Contains(segment) => "{repo}",
                _ => segment.ToLowerInvariant(),
            });
            return string.Join('/', rest);
        }
    }

    /// <summary>The Azure DevOps source as the worker registers it; only the configuration points it at the simulator.</summary>
    private sealed class SourceHost : IDisposable
    {
        private readonly ServiceProvider provider;

        private SourceHost(ServiceProvider provider)
        {
            this.provider = provider;
            Source = provider.GetServices<IFlowEventSource>().Single(s => s.Source == AzureDevOpsEventSource.SourceName);
        }

        public IFlowEventSource Source { get; }

        public static SourceHost For(AzureDevOpsSimulator simulator, IReadOnlyDictionary<string, string> extra)
        {
            var settings = new Dictionary<string, string?>
            {
                [$"{AzureDevOpsSourceOptions.SectionName}:OrganizationUrl"] = simulator.Url,
                [$"{AzureDevOpsSourceOptions.SectionName}:Authentication"] = nameof(AzureDevOpsAuthentication.Pat),
                [$"{AzureDevOpsSourceOptions.SectionName}:Pat"] = simulator.Pat,
            };
            foreach (var (key, value) in extra)
            {
                settings[$"{AzureDevOpsSourceOptions.SectionName}:{key}"] = value;
            }

            var repositories = simulator.Model.Projects.SelectMany(p => p.Repositories.Select(r => $"{p.Name}/{r.Name}")).ToList();
            for (var i = 0; i < repositories.Count; i++)
            {
                settings[$"{AzureDevOpsSourceOptions.SectionName}:Repositories:{i}"] = repositories[i];
            }

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection().AddAzureDevOpsSource(configuration);
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            // As the host does at start-up: invalid options fail here, not in the middle of a read.
            _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AzureDevOpsSourceOptions>>().Value;
            return new SourceHost(provider);
        }

        public void Dispose() => provider.Dispose();
    }
}

/// <summary>Options of <c>azuredevops</c>; <see cref="SourceSettings"/> are extra <c>Sources:AzureDevOps</c> keys, relative to the section.</summary>
internal sealed record AzureDevOpsSettings(
    int CompletedPullRequests, int Builds, int Repositories, IReadOnlyList<AzureDevOpsBenchmark.ExtraBuilds> ExtraBuilds, int Repetitions, int Seed, int LatencyMs, IReadOnlyDictionary<string, string> SourceSettings)
{
    public static AzureDevOpsSettings From(BenchArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var settings = new AzureDevOpsSettings(
            arguments.Int("prs", 2_000),
            arguments.Int("builds", 5_000),
            arguments.Int("repos", 1),
            Extras(arguments.Text("extra-builds") ?? "pr,trunk"),
            arguments.Int("reps", 1),
            arguments.Int("seed", 7),
            arguments.Int("latency-ms", 0, minimum: 0),
            Pairs(arguments.Text("set")));
        arguments.EnsureAllRead();
        return settings;
    }

    private static List<AzureDevOpsBenchmark.ExtraBuilds> Extras(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part switch
            {
                "pr" => AzureDevOpsBenchmark.ExtraBuilds.PullRequest,
                "trunk" => AzureDevOpsBenchmark.ExtraBuilds.Trunk,
                _ => throw new BenchUsageException($"--extra-builds {text}: '{part}' is neither pr (pull-request validation runs) nor trunk (scheduled runs of the default branch)"),
            })
            .Distinct()
            .ToList() is { Count: > 0 } list ? list : throw new BenchUsageException("--extra-builds needs pr, trunk or pr,trunk");

    /// <summary><c>Key=Value;Key=Value</c>.</summary>
    private static Dictionary<string, string> Pairs(string? text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.Split('=', 2) is not [{ Length: > 0 } key, var value])
            {
                throw new BenchUsageException($"--set {text}: '{pair}' is not Key=Value (keys are relative to Sources:AzureDevOps, e.g. --set PageSize=100)");
            }

            pairs[key] = value;
        }

        return pairs;
    }
}
