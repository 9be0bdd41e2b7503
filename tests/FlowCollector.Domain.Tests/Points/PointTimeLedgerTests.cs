using FlowCollector.Domain.Points;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>
/// Issue 21 item 1: a re-collection that moves a stage's end must overwrite the point it wrote before, not add a second
/// one beside it. Times below are Unix nanoseconds worked out by hand from <see cref="PointTimestamps.For"/>: change
/// "7" adds 7 ms to the second it ends in.
/// </summary>
public sealed class PointTimeLedgerTests
{
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero); // 1,772,409,600 s
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(90);

    [Fact]
    public void A_first_write_keeps_every_time_and_records_it()
    {
        // pickup ends 10:00 → 1,772,409,600 + 36,000 s = 1,772,445,600 s, plus 7 ms.
        var pickup = Stage("7", "pickup", Day.AddHours(10), seconds: 3600);
        var review = Stage("7", "review", Day.AddHours(12), seconds: 7200);

        var result = PointTimeLedger.Stabilise([pickup, review], [], Day.AddDays(1), Horizon);

        Assert.Equal([1_772_445_600_007_000_000, 1_772_452_800_007_000_000], result.Points.Select(p => p.TimestampNanoseconds));
        Assert.Equal(0, result.KeptTimes);
        var entry = Assert.Single(result.Ledger);
        Assert.Equal("7", entry.ChangeId);
        Assert.Equal(1_772_445_600_007_000_000, entry.Times["change_stage:pickup"]);
        Assert.Equal(1_772_452_800_007_000_000, entry.Times["change_stage:review"]);
        Assert.True(result.LedgerChanged);
    }

    [Fact]
    public void A_stage_whose_end_moved_is_written_at_its_first_time_with_the_corrected_duration()
    {
        // First read: bob's comment at 10:00 ends pickup (3600 s from opening at 09:00).
        var first = PointTimeLedger.Stabilise([Stage("7", "pickup", Day.AddHours(10), 3600), Stage("7", "review", Day.AddHours(12), 7200)], [], Day.AddDays(1), Horizon);

        // A review drafted at 09:30 and submitted later: pickup now ends 09:30 (1800 s) and review takes 9000 s; review's
        // end (the approval at 12:00) did not move.
        var again = PointTimeLedger.Stabilise([Stage("7", "pickup", Day.AddHours(9.5), 1800), Stage("7", "review", Day.AddHours(12), 9000)], first.Ledger, Day.AddDays(2), Horizon);

        Assert.Equal(1, again.KeptTimes);
        Assert.Equal(1_772_445_600_007_000_000, again.Points[0].TimestampNanoseconds); // 10:00, not 09:30 (…443,800…)
        Assert.Equal(1800, again.Points[0].Field(FlowSchema.Fields.Seconds)!.Value.AsFloat);
        Assert.Equal(1_772_452_800_007_000_000, again.Points[1].TimestampNanoseconds);
        Assert.Equal(9000, again.Points[1].Field(FlowSchema.Fields.Seconds)!.Value.AsFloat);
    }

    [Fact]
    public void The_change_point_keeps_its_first_arrival_time_and_other_measurements_pass_unchanged()
    {
        var arrival = Point(FlowSchema.Measurements.Change, "7", Day.AddHours(14), [], ("lead_seconds", 18000));
        var deployment = new FlowPoint(FlowSchema.Measurements.Deployment, [new(FlowSchema.Tags.Environment, "production")], [new("sha", FieldValue.Of("abc"))], 42);
        var first = PointTimeLedger.Stabilise([arrival], [], Day.AddDays(1), Horizon);

        // A corrected attribution: the change arrived with the 16:00 deployment instead.
        var later = Point(FlowSchema.Measurements.Change, "7", Day.AddHours(16), [], ("lead_seconds", 25200));
        var again = PointTimeLedger.Stabilise([deployment, later], first.Ledger, Day.AddDays(1), Horizon);

        Assert.Same(deployment, again.Points[0]);
        Assert.Equal(1_772_460_000_007_000_000, again.Points[1].TimestampNanoseconds); // 14:00 = +50,400 s
        Assert.Equal(25200, again.Points[1].Field("lead_seconds")!.Value.AsFloat);
    }

    [Fact]
    public void The_same_stage_of_two_changes_is_two_entries()
    {
        var result = PointTimeLedger.Stabilise([Stage("7", "pickup", Day.AddHours(10), 3600), Stage("8", "pickup", Day.AddHours(10), 60)], [], Day, Horizon);

        Assert.Equal(["7", "8"], result.Ledger.Select(e => e.ChangeId));
        Assert.Equal(1_772_445_600_008_000_000, result.Ledger[1].Times["change_stage:pickup"]);
    }

    [Fact]
    public void Changes_not_written_within_the_horizon_are_forgotten_and_the_ledger_is_bounded()
    {
        var old = new WrittenChangeTimes("1", Day.AddDays(-91), new Dictionary<string, long> { ["change"] = 1 });
        var recent = new WrittenChangeTimes("2", Day.AddDays(-89), new Dictionary<string, long> { ["change"] = 2 });

        var result = PointTimeLedger.Stabilise([], [old, recent], Day, Horizon);

        Assert.Equal(["2"], result.Ledger.Select(e => e.ChangeId));
        Assert.True(result.LedgerChanged);

        var many = Enumerable.Range(0, PointTimeLedger.MaxChanges + 10)
            .Select(i => new WrittenChangeTimes($"c{i:D5}", Day.AddMinutes(-i), new Dictionary<string, long> { ["change"] = i }));
        var bounded = PointTimeLedger.Stabilise([], many, Day, Horizon);

        Assert.Equal(PointTimeLedger.MaxChanges, bounded.Ledger.Count);
        Assert.DoesNotContain(bounded.Ledger, e => e.ChangeId == $"c{PointTimeLedger.MaxChanges + 9:D5}"); // the least recently written went first
    }

    [Fact]
    public void A_run_without_change_points_leaves_the_ledger_as_it_was()
    {
        var stored = new WrittenChangeTimes("2", Day.AddDays(-1), new Dictionary<string, long> { ["change"] = 2 });
        var queue = new FlowPoint(FlowSchema.Measurements.StageQueue, [], [new(FlowSchema.Fields.OldestChangeId, FieldValue.Of("9"))], 5);

        var result = PointTimeLedger.Stabilise([queue], [stored], Day, Horizon);

        Assert.False(result.LedgerChanged);
        Assert.Same(queue, result.Points[0]);
    }

    [Fact]
    public void A_change_read_again_without_the_deployment_that_delivered_it_is_recognised_by_its_written_arrival()
    {
        var stored = new[]
        {
            new WrittenChangeTimes("1", Day, new Dictionary<string, long> { ["change_stage:pickup"] = 1, ["change"] = 2 }), // arrived
            new WrittenChangeTimes("2", Day, new Dictionary<string, long> { ["change_stage:pickup"] = 3 }),                // merged, never arrived
            new WrittenChangeTimes("3", Day, new Dictionary<string, long> { ["change"] = 4 }),                             // arrived, still on its path
        };
        var pending = new[]
        {
            new FlowCollector.Domain.ValueStream.PendingChange("1", Day, Arrived: null, []),            // its deployment is outside this read
            new FlowCollector.Domain.ValueStream.PendingChange("2", Day, Arrived: null, []),            // really waiting for release
            new FlowCollector.Domain.ValueStream.PendingChange("3", Day, Arrived: Day.AddHours(1), []), // replayed with its deployments
            new FlowCollector.Domain.ValueStream.PendingChange("4", Day, Arrived: null, []),            // unknown to the ledger
        };

        Assert.Equal(["1"], PointTimeLedger.DeliveredEarlier(pending, stored));
    }

    private static FlowPoint Stage(string change, string stage, DateTimeOffset end, double seconds) =>
        Point(FlowSchema.Measurements.ChangeStage, change, end, [new(FlowSchema.Tags.Stage, stage)], (FlowSchema.Fields.Seconds, seconds));

    private static FlowPoint Point(string measurement, string change, DateTimeOffset end, KeyValuePair<string, string>[] tags, (string Name, double Value) field) =>
        new(measurement, tags, [new(FlowSchema.Fields.ChangeId, FieldValue.Of(change)), new(field.Name, FieldValue.Of(field.Value))], PointTimestamps.For(end, change));
}
