using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Domain.Points;

/// <summary>Maps a finished pipeline run attempt to its <c>pipeline_run</c> point (none while it runs).</summary>
public static class PipelineRunPoints
{
    /// <summary>The <c>pipeline</c> tag when the source named no pipeline, and the <c>result</c> tag when it reported none.</summary>
    public const string Unknown = "unknown";

    public static IEnumerable<FlowPoint> From(PipelineRunFacts run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Finished is not { } finished)
        {
            return [];
        }

        KeyValuePair<string, string>[] tags =
        [
            new(FlowSchema.Tags.Org, run.Repository.Owner),
            new(FlowSchema.Tags.Pipeline, string.IsNullOrEmpty(run.Pipeline) ? Unknown : run.Pipeline),
            new(FlowSchema.Tags.Repo, run.Repository.Name),
            new(FlowSchema.Tags.Result, string.IsNullOrEmpty(run.Result) ? Unknown : run.Result),
            new(FlowSchema.Tags.Schema, FlowSchema.Version),
            new(FlowSchema.Tags.Source, run.Repository.Source),
        ];
        var fields = new List<KeyValuePair<string, FieldValue>>(9)
        {
            new(FlowSchema.Fields.Attempt, FieldValue.Of((long)run.Attempt)),
        };

        // Only a source that reports stages (Azure DevOps timelines) splits the run: waiting for approvals, checks and
        // agents vs working. Without stages the split is unknown, not "all process".
        if (run.ProcessTime is { } process)
        {
            fields.Add(new(FlowSchema.Fields.ProcessSeconds, FieldValue.Of(process.TotalSeconds)));
        }

        // Queue: queued → started (waiting for a runner or an agent). Run: started → finished, or queued → finished
        // when the source never reported a start (a run cancelled in the queue). Clock skew never goes negative.
        if (run.Queued is { } queued && run.Started is { } started)
        {
            fields.Add(new(FlowSchema.Fields.QueueSeconds, FieldValue.Of(NonNegativeSeconds(started - queued))));
        }

        if ((run.Started ?? run.Queued) is { } from)
        {
            fields.Add(new(FlowSchema.Fields.RunSeconds, FieldValue.Of(NonNegativeSeconds(finished - from))));
        }

        fields.Add(new(FlowSchema.Fields.RunId, FieldValue.Of(run.RunId)));
        if (run.Sha is not null)
        {
            fields.Add(new(FlowSchema.Fields.Sha, FieldValue.Of(run.Sha)));
        }

        if (run.Url is not null)
        {
            fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(run.Url)));
        }

        if (run.WaitTime is { } wait)
        {
            fields.Add(new(FlowSchema.Fields.WaitSeconds, FieldValue.Of(wait.TotalSeconds)));
        }

        // Entity = run and attempt: a re-run's attempts of one run finishing in the same second stay two points.
        return [new FlowPoint(FlowSchema.Measurements.PipelineRun, tags, fields, PointTimestamps.For(finished, $"{run.RunId}#{run.Attempt}"))];
    }

    private static double NonNegativeSeconds(TimeSpan span) => span < TimeSpan.Zero ? 0 : span.TotalSeconds;
}
