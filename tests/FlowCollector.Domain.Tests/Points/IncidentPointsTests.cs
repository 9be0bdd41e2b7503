using System.Globalization;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.Points;

/// <summary>The <c>incident</c> points of docs/schema.md: one per incident, at its opening, worked out by hand.</summary>
public sealed class IncidentPointsTests
{
    [Fact]
    public void A_resolved_incident_is_one_point_at_its_opening_with_the_time_to_restore()
    {
        var flow = Flow([Incident(FlowEventKind.IncidentOpened, "i7", 100), Incident(FlowEventKind.IncidentResolved, "i7", 160)]);

        var point = Assert.Single(flow.Incidents().SelectMany(IncidentPoints.From));

        Assert.Equal(
            "incident,org=contoso,repo=web,schema=1,source=github incident_id=i7,open=false,restore_seconds=3600,url=https://github.com/contoso/web/issues/i7 "
            + PointTimestamps.For(Monday9.AddMinutes(100), "i7").ToString(CultureInfo.InvariantCulture),
            Render(point));
    }

    [Fact]
    public void An_open_incident_is_written_at_the_same_timestamp_its_resolution_will_overwrite()
    {
        var opened = Incident(FlowEventKind.IncidentOpened, "i7", 100);

        var open = Assert.Single(Flow([opened]).Incidents().SelectMany(IncidentPoints.From));
        var resolved = Assert.Single(Flow([opened, Incident(FlowEventKind.IncidentResolved, "i7", 130)]).Incidents().SelectMany(IncidentPoints.From));

        Assert.True(open.Field(FlowSchema.Fields.Open)!.Value.AsBoolean);
        Assert.Null(open.Field(FlowSchema.Fields.RestoreSeconds));
        Assert.Equal(open.TimestampNanoseconds, resolved.TimestampNanoseconds);
        Assert.Equal(1800, resolved.Field(FlowSchema.Fields.RestoreSeconds)!.Value.AsFloat);
    }

    [Theory]
    [InlineData(new[] { 100.0, 90.0 }, new[] { 120.0, 150.0 }, 3600.0)] // opened twice (earliest wins), reopened and resolved again (latest wins)
    [InlineData(new[] { 100.0 }, new[] { 95.0 }, 0.0)]                  // skew: resolved before opened → 0, never negative
    public void Openings_and_resolutions_fold_in_any_order(double[] openings, double[] resolutions, double restoreSeconds)
    {
        var events = openings.Select(o => Incident(FlowEventKind.IncidentOpened, "i7", o))
            .Concat(resolutions.Select(r => Incident(FlowEventKind.IncidentResolved, "i7", r)))
            .ToList();

        var forward = Assert.Single(Flow(events).Incidents().SelectMany(IncidentPoints.From));
        var backward = Assert.Single(Flow(Enumerable.Reverse(events)).Incidents().SelectMany(IncidentPoints.From));

        Assert.Equal(restoreSeconds, forward.Field(FlowSchema.Fields.RestoreSeconds)!.Value.AsFloat);
        Assert.Equal(Render(forward), Render(backward));
    }

    [Fact]
    public void A_resolution_without_a_known_opening_writes_nothing()
    {
        Assert.Empty(Flow([Incident(FlowEventKind.IncidentResolved, "i7", 160)]).Incidents().SelectMany(IncidentPoints.From));
    }

    private static FlowEvent Incident(FlowEventKind kind, string id, double minutes) => new()
    {
        Kind = kind,
        Repository = Repository,
        SubjectId = id,
        OccurredAt = Monday9.AddMinutes(minutes),
        Url = $"https://github.com/contoso/web/issues/{id}",
    };

    private static RepositoryFlow Flow(IEnumerable<FlowEvent> events)
    {
        var flow = new RepositoryFlow(Repository, ValueStreamDefinition.Default());
        flow.Apply(events);
        return flow;
    }

    private static string Render(FlowPoint point) =>
        point.Measurement
        + string.Concat(point.Tags.Select(t => $",{t.Key}={t.Value}"))
        + " " + string.Join(",", point.Fields.Select(f => $"{f.Key}={f.Value}"))
        + " " + point.TimestampNanoseconds.ToString(CultureInfo.InvariantCulture);
}
