using FlowCollector.Domain.Events;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Worker.Reporting;

namespace FlowCollector.Worker.Tests.Reporting;

/// <summary>The report's figures for a repository, worked out by hand from two delivered changes and one waiting.</summary>
public sealed class ValueStreamReportTests
{
    private static readonly RepositoryRef Web = new("github", "contoso", "web");
    private static readonly DateTimeOffset Monday = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Nine = Monday.AddHours(9);

    [Fact]
    public void Stages_shares_ladder_and_queues_are_the_hand_worked_figures()
    {
        // Path staging → production. Minutes from Monday 09:00.
        // #1: commit 0, opened 60, approved 120, merged 180, CI 190–210, staging 240–250, production 300–310.
        //     coding 60 | pickup 60 | review 0 | merge 60 | ci_queue 10 | ci 20 | release_wait 30 | deploy:staging 10 | promotion_wait 50 | deploy:production 10
        //     flow 310 = process 100 (60+0+20+10+10) + wait 210 (60+60+10+30+50).
        // #2 starts after #1 reached production (a first deployment carries every change merged before it):
        //     commit 400, opened 430, approved 550, merged 560, CI 565–585, staging 800–810, production 820–830.
        //     coding 30 | pickup 120 | review 0 | merge 10 | ci_queue 5 | ci 20 | release_wait 215 | deploy:staging 10 | promotion_wait 10 | deploy:production 10
        //     flow 430 = process 70 + wait 360.
        // #3 opened at 900, ready, no review: waiting in pickup; the report is made at 1000 → 100 minutes.
        var stream = ValueStreamDefinition.Default(["staging", "production"]);
        var flow = new ReportChanges(Web, Nine)
            .Change("1", 0, 60, 120, 180, 190, 210, ("staging", 240, 250), ("production", 300, 310))
            .Change("2", 400, 430, 550, 560, 565, 585, ("staging", 800, 810), ("production", 820, 830))
            .Open("3", 850, 900)
            .Flow(stream);
        var now = Nine.AddMinutes(1000);

        var report = ValueStreamReport.Build("contoso/web", Monday, Monday.AddDays(7), now, [new ReportRepositoryInput(Web, stream, flow.MergedTimelines(), null, flow.WaitingNow(now))]);

        var r = Assert.Single(report.Repositories);
        Assert.Equal(2, r.ChangesArrived);
        Assert.Equal(["staging", "production"], r.EnvironmentPath);
        Assert.Equal(stream.Stages.Select(s => s.Name), r.Stages.Select(s => s.Name));

        // pickup: 60 and 120 → median (rank 1) 60, p75 (rank 2) 120, mean 90; share 180 of 740.
        AssertStage(r, "pickup", changes: 2, median: 60, p75: 120, mean: 90, share: 180.0 / 740);
        // release_wait: 30 and 215 → median 30, p75 215, mean 122.5; share 245/740.
        AssertStage(r, "release_wait", changes: 2, median: 30, p75: 215, mean: 122.5, share: 245.0 / 740);
        // review: 0 and 0 — present, zero, not absent.
        AssertStage(r, "review", changes: 2, median: 0, p75: 0, mean: 0, share: 0);
        // promotion_wait:production: 50 and 10 → median 10, p75 50.
        AssertStage(r, "promotion_wait:production", changes: 2, median: 10, p75: 50, mean: 30, share: 60.0 / 740);
        // backlog: no work item linked, so nobody waited in it.
        Assert.Equal((0, (double?)null), (r.Stages.Single(s => s.Name == "backlog").Changes, r.Stages.Single(s => s.Name == "backlog").MedianSeconds));

        // Flow: 310 and 430 → median (rank 1) 310; mean 370 = wait 285 + process 85 (the ladder adds up).
        Assert.Equal(310 * 60d, r.MedianFlowSeconds);
        Assert.Equal(370 * 60d, r.MeanFlowSeconds, 6);
        Assert.Equal(285 * 60d, r.MeanWaitSeconds, 6);
        Assert.Equal(85 * 60d, r.MeanProcessSeconds, 6);
        Assert.Equal(r.MeanFlowSeconds, r.Stages.Sum(s => s.MeanSecondsPerArrivedChange), 6);
        Assert.Equal(170.0 / 740, r.FlowEfficiency!.Value, 9);

        // Two changes: too few to name a constraint.
        Assert.Null(r.Constraint.Constraint);

        var queue = Assert.Single(r.WaitingNow);
        Assert.Equal(("pickup", 1, "3", 100 * 60d), (queue.Stage, queue.Count, queue.OldestChangeId, queue.OldestAgeSeconds));
    }

    [Fact]
    public void The_page_is_self_contained_and_escapes_what_it_shows()
    {
        var stream = ValueStreamDefinition.Default(["production"]);
        var web = new RepositoryRef("github", "contoso", "we<b>b");
        var flow = new ReportChanges(web, Nine).Change("1", 0, 60, 120, 180, 190, 210, ("production", 240, 250)).Flow(stream);

        var html = ReportHtml.Render(ValueStreamReport.Build("<script>alert(1)</script>", Monday, Monday.AddDays(7), Nine.AddDays(1), [new ReportRepositoryInput(web, stream, flow.MergedTimelines(), null, [])]));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("contoso/we&lt;b&gt;b", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertStage(ReportRepository r, string stage, int changes, double median, double p75, double mean, double share)
    {
        var s = r.Stages.Single(x => x.Name == stage);
        Assert.Equal(changes, s.Changes);
        Assert.Equal(median * 60, s.MedianSeconds);
        Assert.Equal(p75 * 60, s.P75Seconds);
        Assert.Equal(mean * 60, s.MeanSecondsPerArrivedChange, 6);
        Assert.Equal(share, s.ShareOfFlowTime, 9);
    }
}
