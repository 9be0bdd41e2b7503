using System.Globalization;

namespace FlowCollector.Testing.Simulation.AzureDevOps;

/// <summary>
/// A pipeline run (a build). A YAML multi-stage run is built with <see cref="Stage"/> (optionally behind an approval
/// checkpoint) and <see cref="Deploy"/> (a deployment job's record in an environment); <see cref="Finish"/> completes it.
/// </summary>
public sealed class SimulatedAdoBuild
{
    private readonly List<SimulatedAdoTimelineRecord> timeline = [];

    internal SimulatedAdoBuild(SimulatedAdoProject project, SimulatedAdoRepository repository, int id, string pipeline, string sha, string sourceBranch, string reason, DateTimeOffset queuedAt)
    {
        Project = project;
        Repository = repository;
        Id = id;
        Pipeline = pipeline;
        SourceVersion = sha;
        SourceBranch = sourceBranch;
        Reason = reason;
        QueueTime = queuedAt;
        DefinitionId = 10 + (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(project.Id + "/" + pipeline.ToUpperInvariant())), 0) % 900);
        BuildNumber = $"{queuedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.{id.ToString(CultureInfo.InvariantCulture)}";
    }

    public SimulatedAdoProject Project { get; }

    public SimulatedAdoRepository Repository { get; }

    public int Id { get; }

    public string BuildNumber { get; }

    /// <summary>The pipeline (build definition) name; its id is derived from it.</summary>
    public string Pipeline { get; }

    public int DefinitionId { get; }

    public string SourceVersion { get; }

    /// <summary>The full ref, e.g. <c>refs/heads/main</c>.</summary>
    public string SourceBranch { get; }

    public string Reason { get; }

    public DateTimeOffset QueueTime { get; }

    public DateTimeOffset? StartTime { get; private set; }

    public DateTimeOffset? FinishTime { get; private set; }

    /// <summary><c>notStarted</c>, <c>inProgress</c> or <c>completed</c>.</summary>
    public string Status { get; private set; } = "notStarted";

    /// <summary><c>succeeded</c>, <c>partiallySucceeded</c>, <c>failed</c>, <c>canceled</c>; null until completed.</summary>
    public string? Result { get; private set; }

    public IReadOnlyList<SimulatedAdoTimelineRecord> Timeline
    {
        get
        {
            lock (Gate)
            {
                return [.. timeline];
            }
        }
    }

    internal Lock Gate => Project.Gate;

    /// <summary>An agent picked the run up.</summary>
    public SimulatedAdoBuild Start(DateTimeOffset at)
    {
        lock (Gate)
        {
            StartTime = SimulatedAzureDevOps.Ms(at);
            Status = "inProgress";
            return this;
        }
    }

    /// <summary>
    /// A stage with one job. With <paramref name="approval"/> the stage first waits at a checkpoint for an approval
    /// (its job starts after the approval). <paramref name="result"/> <c>skipped</c> writes a stage that never ran;
    /// a null <paramref name="finish"/> leaves it in progress. <paramref name="jobStartedAt"/> is when its job started (default: 3 s
    /// after the stage, or 5 s after the approval) — a deployment job starts when its environment's record says it did.
    /// </summary>
    public SimulatedAdoBuild Stage(
        string name,
        DateTimeOffset start,
        DateTimeOffset? finish,
        string result = "succeeded",
        (DateTimeOffset Start, DateTimeOffset? Finish, string Result)? approval = null,
        int attempt = 1,
        string? job = null,
        DateTimeOffset? jobStartedAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (Gate)
        {
            var order = timeline.Count(r => r.Type == "Stage") + 1;
            var stageId = SimulatedAzureDevOps.Guid($"{Id}/stage/{name}/{attempt}");
            if (result == "skipped")
            {
                timeline.Add(new(stageId, null, "Stage", name, name, "completed", "skipped", null, null, attempt, order));
                return this;
            }

            var finishing = finish is null ? null : (DateTimeOffset?)SimulatedAzureDevOps.Ms(finish.Value);
            timeline.Add(new(stageId, null, "Stage", name, name, finishing is null ? "inProgress" : "completed", finishing is null ? null : result, SimulatedAzureDevOps.Ms(start), finishing, attempt, order));
            var jobStart = SimulatedAzureDevOps.Ms(start).AddSeconds(3);
            if (approval is { } a)
            {
                var checkpointId = SimulatedAzureDevOps.Guid($"{Id}/checkpoint/{name}/{attempt}");
                var approvalFinish = a.Finish is null ? null : (DateTimeOffset?)SimulatedAzureDevOps.Ms(a.Finish.Value);
                timeline.Add(new(checkpointId, stageId, "Checkpoint", "Checkpoint", null, approvalFinish is null ? "inProgress" : "completed", approvalFinish is null ? null : a.Result, SimulatedAzureDevOps.Ms(a.Start), approvalFinish, 1, 1));
                timeline.Add(new(SimulatedAzureDevOps.Guid($"{Id}/approval/{name}/{attempt}"), checkpointId, "Checkpoint.Approval", "Checkpoint.Approval", null, approvalFinish is null ? "inProgress" : "completed", approvalFinish is null ? null : a.Result, SimulatedAzureDevOps.Ms(a.Start), approvalFinish, 1, 1));
                if (approvalFinish is null || a.Result != "succeeded")
                {
                    return this; // the job never starts
                }

                jobStart = approvalFinish.Value.AddSeconds(5);
            }

            jobStart = jobStartedAt is { } given ? SimulatedAzureDevOps.Ms(given) : jobStart;
            var phaseId = SimulatedAzureDevOps.Guid($"{Id}/phase/{name}/{attempt}");
            var jobName = job ?? (name.StartsWith("Deploy", StringComparison.OrdinalIgnoreCase) ? "Deploy" : "Job");
            timeline.Add(new(phaseId, stageId, "Phase", jobName, jobName, finishing is null ? "inProgress" : "completed", finishing is null ? null : result, jobStart, finishing, attempt, 1));
            timeline.Add(new(SimulatedAzureDevOps.Guid($"{Id}/job/{name}/{attempt}"), phaseId, "Job", jobName, $"{name}.{jobName}.__default", finishing is null ? "inProgress" : "completed", finishing is null ? null : result, jobStart, finishing, attempt, 1));
            return this;
        }
    }

    /// <summary>
    /// A deployment job's record in <paramref name="environment"/> (Azure DevOps lists it only once this run finished).
    /// </summary>
    public SimulatedAdoBuild Deploy(
        SimulatedAdoEnvironment environment, string stage, DateTimeOffset queued, DateTimeOffset? started, DateTimeOffset? finished, string result = "succeeded", string job = "Deploy", int stageAttempt = 1)
    {
        ArgumentNullException.ThrowIfNull(environment);
        lock (Gate)
        {
            environment.Add(new SimulatedAdoDeploymentRecord(
                Project.Organization.NextRecordId(),
                environment,
                this,
                stage,
                stageAttempt,
                job,
                SimulatedAzureDevOps.Ms(queued),
                started is { } s ? SimulatedAzureDevOps.Ms(s) : null,
                finished is { } f ? SimulatedAzureDevOps.Ms(f) : null,
                result));
            return this;
        }
    }

    /// <summary>Completes the run with <paramref name="result"/>.</summary>
    public SimulatedAdoBuild Finish(DateTimeOffset at, string result = "succeeded")
    {
        lock (Gate)
        {
            StartTime ??= QueueTime;
            FinishTime = SimulatedAzureDevOps.Ms(at);
            Status = "completed";
            Result = result;
            return this;
        }
    }
}

/// <summary>One record of a run's timeline (Stage, Phase, Job, Checkpoint, Checkpoint.Approval).</summary>
public sealed record SimulatedAdoTimelineRecord(
    string Id, string? ParentId, string Type, string Name, string? Identifier, string State, string? Result, DateTimeOffset? StartTime, DateTimeOffset? FinishTime, int Attempt, int Order);
