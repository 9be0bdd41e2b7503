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
        this.Add(FlowEventKind.CommitAuthored, id, commit, e => e with { Sha = $"c{id}", Actor = "alice" });
        this.Add(FlowEventKind.ChangeOpened, id, opened, e => e with { Actor = "alice" });
        this.Add(FlowEventKind.ReviewSubmitted, id, approved, e => e with { Actor = "bob", ReviewState = ReviewState.Approved });
        this.Add(FlowEventKind.ChangeMerged, id, merged, e => e with { Sha = sha });
        foreach (var kind in (FlowEventKind[])[FlowEventKind.RunQueued, FlowEventKind.RunStarted])
        {
            this.Add(kind, $"run{id}", ciStarted, e => e with { Sha = sha, Attempt = 1, Pipeline = "build" });
        }

        this.Add(FlowEventKind.RunFinished, $"run{id}", ciFinished, e => e with { Sha = sha, Attempt = 1, Pipeline = "build", Result = "success" });
        foreach (var (environment, started, finished) in deployments)
        {
            var deployment = $"d{id}-{environment}";
            this.Add(FlowEventKind.DeploymentStarted, deployment, started, e => e with { Sha = sha, Environment = environment });
            this.Add(FlowEventKind.DeploymentFinished, deployment, finished, e => e with { Sha = sha, Environment = environment, Result = "success" });
            this.Add(FlowEventKind.DeploymentIncludes, deployment, 0, e => e with { Sha = sha, Url = null });
        }

        return this;
    }

    /// <summary>An open pull request, ready for review since <paramref name="opened"/>, nobody has looked at yet.</summary>
    public ReportChanges Open(string id, double commit, double opened)
    {
        this.Add(FlowEventKind.CommitAuthored, id, commit, e => e with { Sha = $"c{id}", Actor = "alice" });
        this.Add(FlowEventKind.ChangeOpened, id, opened, e => e with { Actor = "alice" });
        return this;
    }

    public RepositoryFlow Flow(ValueStreamDefinition stream)
    {
        var flow = new RepositoryFlow(repository, stream);
        flow.Apply(this.Events);
        return flow;
    }

    private void Add(FlowEventKind kind, string subject, double minutes, Func<FlowEvent, FlowEvent> with) => this.Events.Add(with(new FlowEvent
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
