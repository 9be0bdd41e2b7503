using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Sinks.Tests.InfluxDb;

/// <summary>Realistic <c>change_stage</c> points built by the domain from hand-made timelines.</summary>
internal static class ChangeStageFixture
{
    public static readonly DateTimeOffset Monday9 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static readonly RepositoryRef Web = new("github", "contoso", "web");

    // Azure DevOps project names have spaces; the names below exercise every tag-escaping rule end to end.
    private static readonly RepositoryRef Fabrikam = new("azuredevops", "Fabrikam Fiber", "web,api=v2");

    private static readonly (string Name, StageKind Kind, StageRule Rule)[] Stages =
    [
        ("coding", StageKind.Process, StageRule.Coding),
        ("pickup", StageKind.Wait, StageRule.Pickup),
        ("review", StageKind.Process, StageRule.Review),
        ("merge", StageKind.Wait, StageRule.Merge),
        ("ci_queue", StageKind.Wait, StageRule.CiQueue),
        ("ci", StageKind.Process, StageRule.Ci),
        ("release_wait", StageKind.Wait, StageRule.ReleaseWait),
        ("deploy:production", StageKind.Process, StageRule.Deploy),
    ];

    /// <summary>Two full changes in two repositories (one with a clamped span and a quote in its URL) plus a direct change.</summary>
    public static IReadOnlyList<FlowPoint> Realistic()
    {
        var points = new List<FlowPoint>();
        points.AddRange(ChangeStagePoints.From(Timeline(Web, "42", Monday9, [TimeSpan.FromHours(5.5), TimeSpan.FromMinutes(47), TimeSpan.FromSeconds(1234.567), TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(421.25), TimeSpan.FromHours(20), TimeSpan.FromSeconds(95)], url: "https://github.com/contoso/web/pull/42")));
        points.AddRange(ChangeStagePoints.From(Timeline(Fabrikam, "1017", Monday9.AddDays(1), [TimeSpan.FromHours(2), TimeSpan.Zero, TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(0.000001), TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(600), TimeSpan.FromDays(3), TimeSpan.FromMinutes(7)], url: "https://dev.azure.com/fabrikam/_git/web?path=\"x\"\\y", clampedStage: "pickup")));
        points.AddRange(ChangeStagePoints.From(Timeline(Web, "9f2c1e7a", Monday9.AddDays(2), [TimeSpan.FromMinutes(12)], url: null, direct: true)));
        return points;
    }

    /// <summary>Two changes of one repository whose <c>ci</c> stage ends in the same second (PR 44 at :00.2, PR 45 at :00.9).</summary>
    public static IReadOnlyList<FlowPoint> SameSecond()
    {
        var end = Monday9.AddDays(5);
        var first = ChangeStagePoints.From(Single(Web, "44", end.AddSeconds(-100), end.AddMilliseconds(200)));
        var second = ChangeStagePoints.From(Single(Web, "45", end.AddSeconds(-50), end.AddMilliseconds(900)));
        return [.. first, .. second];
    }

    private static ChangeTimeline Single(RepositoryRef repository, string changeId, DateTimeOffset start, DateTimeOffset end)
    {
        var change = new ChangeFacts(repository, changeId);
        return new ChangeTimeline(change, start, [new StageSpan(new StageDefinition("ci", StageKind.Process, StageRule.Ci), start, end, false, Order: 7)]);
    }

    private static ChangeTimeline Timeline(RepositoryRef repository, string changeId, DateTimeOffset start, TimeSpan[] durations, string? url, string? clampedStage = null, bool direct = false)
    {
        var change = new ChangeFacts(repository, changeId);
        change.Apply(new FlowEvent
        {
            Kind = direct ? FlowEventKind.DirectPush : FlowEventKind.ChangeOpened,
            Repository = repository,
            SubjectId = changeId,
            OccurredAt = start,
            Url = url,
        });

        var spans = new List<StageSpan>();
        var at = start;
        for (var i = 0; i < durations.Length; i++)
        {
            var (name, kind, rule) = Stages[i];
            spans.Add(new StageSpan(new StageDefinition(name, kind, rule), at, at + durations[i], name == clampedStage, Order: i + 1));
            at += durations[i];
        }

        return new ChangeTimeline(change, start, spans);
    }
}
