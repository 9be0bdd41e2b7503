using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Domain.Points;

/// <summary>
/// Maps a <see cref="ConstraintFinding"/> to <c>constraint</c> points (docs/schema.md): one per wait stage that held
/// waiting in the period, ranked by change-hours, so a board can name a repository's constraint (<c>rank = 1</c>) and sum
/// change-hours across a team's repositories to find the team's. The rank-1 point also carries the trend.
/// </summary>
public static class ConstraintPoints
{
    /// <summary>The <c>period</c> tag of the rolling 28 days ending at the run (timestamp: the run's hour).</summary>
    public const string Rolling28Days = "28d";

    /// <summary>
    /// The <c>period</c> tag of the rolling 7 days ending at the run (timestamp: the run's hour): with the 28 days, what
    /// the "wait is rising" rule compares (each stage's p75 and how many changes it covers), so the rule reads two points
    /// per repository and stage instead of every stage point of four weeks.
    /// </summary>
    public const string Rolling7Days = "7d";

    /// <summary>The <c>period</c> tag of an ISO week (timestamp: the week's Monday 00:00 UTC).</summary>
    public const string Week = "week";

    /// <param name="repository">Whose changes.</param>
    /// <param name="finding">The constraint of the period; nothing is written when it names none (too few changes).</param>
    /// <param name="period"><see cref="Rolling28Days"/>, <see cref="Rolling7Days"/> or <see cref="Week"/>.</param>
    /// <param name="timestamp">The point's time: the same for every run that computes the same period, so a re-run overwrites.</param>
    public static IEnumerable<FlowPoint> From(RepositoryRef repository, ConstraintFinding finding, string period, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(finding);
        if (finding.Constraint is null)
        {
            yield break;
        }

        var nanoseconds = timestamp.ToUnixTimeSeconds() * 1_000_000_000;
        for (var i = 0; i < finding.Stages.Count; i++)
        {
            var stage = finding.Stages[i];
            KeyValuePair<string, string>[] tags =
            [
                new(FlowSchema.Tags.Org, repository.Owner),
                new(FlowSchema.Tags.Period, period),
                new(FlowSchema.Tags.Repo, repository.Name),
                new(FlowSchema.Tags.Schema, FlowSchema.Version),
                new(FlowSchema.Tags.Source, repository.Source),
                new(FlowSchema.Tags.Stage, stage.Stage),
            ];
            var fields = new List<KeyValuePair<string, FieldValue>>
            {
                new(FlowSchema.Fields.Rank, FieldValue.Of((long)(i + 1))),
                new(FlowSchema.Fields.ChangeHours, FieldValue.Of(stage.ChangeHours)),
                new(FlowSchema.Fields.Share, FieldValue.Of(stage.Share)),
                new(FlowSchema.Fields.Changes, FieldValue.Of((long)stage.Changes)),
                new(FlowSchema.Fields.MedianSeconds, FieldValue.Of(stage.MedianSeconds)),
                new(FlowSchema.Fields.P75Seconds, FieldValue.Of(stage.P75Seconds)),
            };
            if (i == 0)
            {
                fields.Add(new(FlowSchema.Fields.Moved, FieldValue.Of(finding.Trend.Moved)));
                fields.Add(new(FlowSchema.Fields.Margin, FieldValue.Of(finding.Margin ?? 1)));
                if (finding.RunnerUp is { } runnerUp)
                {
                    fields.Add(new(FlowSchema.Fields.RunnerUp, FieldValue.Of(runnerUp.Stage)));
                }

                if (finding.Trend.PreviousStage is { } previous)
                {
                    fields.Add(new(FlowSchema.Fields.PreviousStage, FieldValue.Of(previous)));
                }

                if (finding.Trend.ShareChange is { } change)
                {
                    fields.Add(new(FlowSchema.Fields.ShareChange, FieldValue.Of(change)));
                }

                if (finding.LongestWaits.Count > 0)
                {
                    fields.Add(new(FlowSchema.Fields.ChangeId, FieldValue.Of(finding.LongestWaits[0].ChangeId)));
                    if (finding.LongestWaits[0].Url is { } url)
                    {
                        fields.Add(new(FlowSchema.Fields.Url, FieldValue.Of(url)));
                    }
                }
            }

            yield return new FlowPoint(FlowSchema.Measurements.Constraint, tags, fields, nanoseconds);
        }
    }
}
