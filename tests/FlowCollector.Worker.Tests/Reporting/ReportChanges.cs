using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Tests.Reporting;

/// <summary>Events of whole changes (commit → review → merge → CI → each environment of a path), at minutes from a start.</summary>
internal sealed class ReportChanges(RepositoryRef repository, DateTimeOffset start)
{
    public List<FlowEvent> Events { get; } = [];

    /// <summary>
    /// One pull request: opened at <paramref name="opened"/>, approved at <paramref name="approved"/>, merged, CI queued and
    /// started at <paramref name="ciStarted"/> and finished at <paramref name="ciFinished"/>, then each deployment
    /// (environment, started, finished) of its own, carrying exactly this change.
    /// </summary>
    public ReportChanges Change(string id, double commit, double opened, double approved, double merged, double ciStarted, double ciFinished, params (string Environment, double Started, double Finished)[] deployments)
    {
        var sha = $"m{id}";
        Add(FlowEventKind.CommitAuthored, id, commit, e => e with { Sha = $"c{id}", Actor = "alice" });
        Add(FlowEventKind.ChangeOpened, id, opened, e => e with { Actor = "alice" });
        Add(FlowEventKind.ReviewSubmitted, id, approved, e => e with { Actor = "bob", ReviewState = ReviewState.Approved });
        Add(FlowEventKind.ChangeMerged, id, merged, e => e with { Sha = sha });
        foreach (var kind in (FlowEventKind[])[FlowEventKind.RunQueued, FlowEventKind.RunStarted])
        {
            Add(kind, $"run{id}", ciStarted, e => e with { Sha = sha, Attempt = 1, Pipeline = "build" });
        }

        Add(FlowEventKind.RunFinished, $"run{id}", ciFinished, e => e with { Sha = sha, Attempt = 1, Pipeline = "build", Result = "success" });
        foreach (var (environment, started, finished) in deployments)
        {
            var deployment = $"d{id}-{environment}";
            Add(FlowEventKind.DeploymentStarted, deployment, started, e => e with { Sha = sha, Environment = environment });
            Add(FlowEventKind.DeploymentFinished, deployment, finished, e => e with { Sha = sha, Environment = environment, Result = "success" });
            Add(FlowEventKind.DeploymentIncludes, deployment, 0, e => e with { Sha = sha, Url = null });
        }

        return this;
    }

    /// <summary>An open pull request, ready for review since <paramref name="opened"/>, nobody has looked at yet.</summary>
    public ReportChanges Open(string id, double commit, double opened)
    {
        Add(FlowEventKind.CommitAuthored, id, commit, e => e with { Sha = $"c{id}", Actor = "alice" });
        Add(FlowEventKind.ChangeOpened, id, opened, e => e with { Actor = "alice" });
        return this;
    }

    public RepositoryFlow Flow(ValueStreamDefinition stream)
    {
        var flow = new RepositoryFlow(repository, stream);
        flow.Apply(Events);
        return flow;
    }

    private void Add(FlowEventKind kind, string subject, double minutes, Func<FlowEvent, FlowEvent> with) => Events.Add(with(new FlowEvent
    {
        Kind = kind,
        Repository = repository,
        SubjectId = subject,
        OccurredAt = start.AddMinutes(minutes),
        TargetBranch = "main",
        Url = kind is FlowEventKind.DeploymentStarted or FlowEventKind.DeploymentFinished or FlowEventKind.RunQueued or FlowEventKind.RunStarted or FlowEventKind.RunFinished
            ? null
            : $"https://github.com/{repository.Owner}/{repository.Name}/pull/{subject}",
    }));
}
