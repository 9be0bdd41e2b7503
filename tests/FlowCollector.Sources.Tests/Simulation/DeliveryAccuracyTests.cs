using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Sources.Tests.AzureDevOps;
using FlowCollector.Sources.Tests.GitHub;
using FlowCollector.Testing.Simulation;
using FlowCollector.Testing.Simulation.AzureDevOps;
using Microsoft.Extensions.Time.Testing;

namespace FlowCollector.Sources.Tests.Simulation;

/// <summary>
/// How many delivered changes get every stage right (±1 s), and how many spans are clamped, when simulated organisations
/// are read by the sources and folded by the engine (issue 14's before/after figures; docs/metrics.md, "CI"). The truth
/// is what the model knows and the APIs hide: which runs are CI (GitHub: the <c>build</c> workflow with every attempt;
/// Azure DevOps: a run's Build stage) — folded by the same engine with the same deployments. The organisations simulate no
/// clock skew: a clamped span is then a real ordering (a deployment started before CI finished), never a misreading, so
/// the read must clamp exactly as often as the truth does.
/// </summary>
public sealed class DeliveryAccuracyTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Start.AddDays(21);
    private static readonly ValueStreamDefinition Stream = ValueStreamDefinition.Default(["staging", "production"]);

    [Fact]
    public async Task GitHub_generated_organisation_with_a_deploy_workflow()
    {
        var model = SimulatedGitHub.Generate(17, repositories: 1, pullRequestsPerRepository: 120, Start, new GitHubGenerationOptions { Now = Now, DeployWorkflow = true });
        var repository = model.Repositories[0];
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, [repository.FullName], time: new FakeTimeProvider(Now));

        var read = await host.ReadAsync(repository.FullName, Start.AddDays(-1));

        var repo = read.Events[0].Repository;
        var truth = read.Events.Where(e => e.Kind is not (FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished))
            .Concat(repository.WorkflowRuns.Where(r => r.Name == "build" && r.HeadBranch == repository.DefaultBranch).SelectMany(r => repository.Attempts(r)).SelectMany(a => RunEvents(repo, a)));
        var figures = Compare(read.Events, truth);

        Report("github generated", figures);
        Assert.True(figures.Delivered > 20, $"only {figures.Delivered} delivered changes");
        Assert.Equal(figures.Delivered, figures.Right);
        Assert.Equal(figures.TruthClamped, figures.Clamped);
    }

    [Fact]
    public async Task GitHub_delivery_shapes()
    {
        var model = new SimulatedGitHub();
        GitHubDeliveryShapes.Add(model.AddRepository("contoso/shop"), Start);
        using var github = new GitHubSimulator(model);
        using var host = GitHubSourceHost.For(github, ["contoso/shop"], time: new FakeTimeProvider(Now));

        var timelines = Fold((await host.ReadAsync("contoso/shop", Start.AddDays(-1))).Events);

        var right = GitHubDeliveryShapes.Expected.Count(e => SameSpans(timelines.Single(t => t.Change.ChangeId == e.Key.ToString(CultureInfo.InvariantCulture)), e.Value));
        var figures = new Figures(GitHubDeliveryShapes.Expected.Count, right, Clamped(timelines), 0);
        Report("github shapes", figures);
        Assert.Equal(new Figures(4, 4, 0, 0), figures);
    }

    [Fact]
    public async Task Azure_DevOps_generated_organisation()
    {
        var model = SimulatedAzureDevOps.Generate(17, projects: 1, reposPerProject: 1, prsPerRepo: 120, Start, new AzureDevOpsGenerationOptions { Now = Now });
        var project = model.Projects[0];
        var repository = project.Repositories[0];
        using var ado = new AzureDevOpsSimulator(model);
        var target = $"{project.Name}/{repository.Name}";
        using var host = AzureDevOpsSourceHost.For(ado, [target], time: new FakeTimeProvider(Now));

        var read = await host.ReadAsync(target, Start.AddDays(-1));

        var repo = read.Events[0].Repository;
        var truth = read.Events.Where(e => e.Kind is not (FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished or FlowEventKind.StageStarted or FlowEventKind.StageFinished))
            .Concat(project.Builds.Where(b => b.Repository == repository).SelectMany(b => BuildStageEvents(repo, b)));
        var figures = Compare(read.Events, truth);

        Report("azure devops generated", figures);
        Assert.True(figures.Delivered > 20, $"only {figures.Delivered} delivered changes");
        Assert.Equal(figures.Delivered, figures.Right);
        Assert.Equal(figures.TruthClamped, figures.Clamped);
    }

    [Fact]
    public async Task Azure_DevOps_delivery_shapes()
    {
        var model = new SimulatedAzureDevOps();
        var shop = model.AddProject("Shop");
        var ids = AzureDevOpsDeliveryShapes.Add(shop, shop.AddRepository("web"), Start);
        using var ado = new AzureDevOpsSimulator(model);
        using var host = AzureDevOpsSourceHost.For(ado, ["Shop/web"], time: new FakeTimeProvider(Now));

        var timelines = Fold((await host.ReadAsync("Shop/web", Start.AddDays(-1))).Events);

        var right = ids.Select((id, i) => SameSpans(timelines.Single(t => t.Change.ChangeId == id.ToString(CultureInfo.InvariantCulture)), AzureDevOpsDeliveryShapes.Expected[i])).Count(r => r);
        var figures = new Figures(ids.Count, right, Clamped(timelines), 0);
        Report("azure devops shapes", figures);
        Assert.Equal(new Figures(3, 3, 0, 0), figures);
    }

    /// <summary>Delivered changes (by the truth: they reached production), those whose every stage matches, and clamped spans of the read and of the truth.</summary>
    private sealed record Figures(int Delivered, int Right, int Clamped, int TruthClamped);

    private static Figures Compare(IEnumerable<FlowEvent> read, IEnumerable<FlowEvent> truth)
    {
        var measured = Fold(read).ToDictionary(t => t.Change.ChangeId, StringComparer.Ordinal);
        var expected = Fold(truth);
        var delivered = expected.Where(t => t.Arrived is not null).ToList();
        var right = delivered.Count(t => measured.TryGetValue(t.Change.ChangeId, out var m) && SameSpans(m, [.. t.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds))]));
        foreach (var t in delivered.Where(t => !(measured.TryGetValue(t.Change.ChangeId, out var m) && SameSpans(m, [.. t.Spans.Select(s => (s.Stage.Name, s.Duration.TotalSeconds))]))).Take(3))
        {
            Note($"{t.Change.ChangeId}: truth {string.Join(", ", t.Spans.Select(s => $"{s.Stage.Name} {s.Duration.TotalSeconds}"))}");
            Note($"{t.Change.ChangeId}: read  {string.Join(", ", measured.GetValueOrDefault(t.Change.ChangeId)?.Spans.Select(s => $"{s.Stage.Name} {s.Duration.TotalSeconds}") ?? [])}");
        }
        foreach (var t in expected.Where(t => t.Spans.Any(s => s.Clamped)))
        {
            Note($"{t.Change.ChangeId} clamped in truth: {string.Join(", ", t.Spans.Select(s => $"{s.Stage.Name} {s.End:MM-dd HH:mm:ss}{(s.Clamped ? " (clamped)" : "")}"))}");
        }

        return new Figures(delivered.Count, right, Clamped(measured.Values), Clamped(expected));
    }

    private static bool SameSpans(ChangeTimeline timeline, (string Stage, double Seconds)[] expected) =>
        timeline.Spans.Count == expected.Length
        && timeline.Spans.Zip(expected).All(p => p.First.Stage.Name == p.Second.Stage && Math.Abs(p.First.Duration.TotalSeconds - p.Second.Seconds) <= 1);

    private static int Clamped(IEnumerable<ChangeTimeline> timelines) => timelines.Sum(t => t.Spans.Count(s => s.Clamped));

    private static IReadOnlyList<ChangeTimeline> Fold(IEnumerable<FlowEvent> events)
    {
        var list = events.ToList();
        var flow = new RepositoryFlow(list[0].Repository, Stream);
        flow.Apply(list);
        return flow.MergedTimelines();
    }

    private static void Report(string organisation, Figures figures) =>
        Note($"{organisation}: {figures.Right}/{figures.Delivered} delivered changes with every stage right, {figures.Clamped} clamped spans (truth {figures.TruthClamped})");

    /// <summary>To the test output and, when <c>FLOWCOLLECTOR_ACCURACY_REPORT</c> names a file, to it (the figures in docs come from there).</summary>
    private static void Note(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("FLOWCOLLECTOR_ACCURACY_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }

    /// <summary>One GitHub attempt as the engine should see it: the first attempt was queued when the run was created.</summary>
    private static IEnumerable<FlowEvent> RunEvents(RepositoryRef repository, SimulatedWorkflowRun attempt)
    {
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            Kind = kind, Repository = repository, SubjectId = attempt.Id.ToString(CultureInfo.InvariantCulture), OccurredAt = at, Attempt = attempt.Attempt, Pipeline = attempt.Name, Sha = attempt.HeadSha,
        };

        if (attempt.Attempt == 1)
        {
            yield return Event(FlowEventKind.RunQueued, attempt.CreatedAt);
        }

        if (attempt.StartedAt is { } started && attempt.Status is "in_progress" or "completed")
        {
            yield return Event(FlowEventKind.RunStarted, started);
        }

        if (attempt.Status == "completed")
        {
            yield return Event(FlowEventKind.RunFinished, attempt.UpdatedAt) with { Result = attempt.Conclusion };
        }
    }

    /// <summary>An Azure DevOps run's CI as the engine should see it: queued and started with the run, finished with its Build stage.</summary>
    private static IEnumerable<FlowEvent> BuildStageEvents(RepositoryRef repository, SimulatedAdoBuild build)
    {
        FlowEvent Event(FlowEventKind kind, DateTimeOffset at) => new()
        {
            // Its own id: the run's deployments name the build, which would make this stand-in a deployment run.
            Kind = kind, Repository = repository, SubjectId = $"ci-{build.Id.ToString(CultureInfo.InvariantCulture)}", OccurredAt = at, Attempt = 1, Pipeline = build.Pipeline, Sha = build.SourceVersion,
        };

        yield return Event(FlowEventKind.RunQueued, build.QueueTime);
        if (build.StartTime is { } started)
        {
            yield return Event(FlowEventKind.RunStarted, started);
        }

        if (build.Timeline.FirstOrDefault(r => r.Type == "Stage" && r.Name == "Build") is { State: "completed", FinishTime: { } finished } stage)
        {
            yield return Event(FlowEventKind.RunFinished, finished) with { Result = stage.Result == "succeeded" ? "success" : "failure" };
        }
    }
}
