using FlowCollector.Domain.Events;
using FlowCollector.Domain.Points;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;
using static FlowCollector.Domain.Tests.ValueStream.ChangeEvents;

namespace FlowCollector.Domain.Tests.ValueStream;

/// <summary>
/// Rework (docs/metrics.md, "Rework rate"): which changes are unplanned fixes, and which production deployments
/// carry one. Hand-worked cases against the default rules.
/// </summary>
public sealed class ReworkTests
{
    private static readonly ValueStreamDefinition StagingThenProduction = ValueStreamDefinition.Default(["staging", "production"]);

    [Theory]
    [InlineData("hotfix/login-crash", null, null, true)]                  // hotfix/*
    [InlineData("HOTFIX/Login", null, null, true)]                        // case-insensitive
    [InlineData("hotfix/eu/payments", null, null, true)]                  // * crosses slashes
    [InlineData("hotfix-2024-10-01", null, null, true)]                   // hotfix-*
    [InlineData("revert-123-alice/feature", null, null, true)]            // GitHub's revert button
    [InlineData("Revert-7-x", null, null, true)]
    [InlineData("feature/hotfix-ui", null, null, false)]                  // patterns anchor at the start
    [InlineData("hotfix", null, null, false)]                             // hotfix/* needs the slash
    [InlineData("alice/reverting-things", null, null, false)]
    [InlineData(null, "Revert \"Add checkout\"", null, true)]             // git's and GitHub's revert title
    [InlineData(null, "revert \"add checkout\"", null, true)]
    [InlineData(null, "Revert the flag default", null, false)]            // the prefix includes the quote
    [InlineData(null, "Hotfix: login", null, false)]                      // titles only by prefix; no title prefix says hotfix
    [InlineData(null, null, "hotfix", true)]
    [InlineData(null, null, "Revert", true)]
    [InlineData(null, null, "bug", false)]
    [InlineData(null, null, "hotfixes", false)]                           // labels match whole
    [InlineData("alice/change-1", "Add checkout", "enhancement", false)]
    [InlineData(null, null, null, false)]                                 // nothing reported: not rework
    public void Default_rules_classify_branch_title_and_labels(string? branch, string? title, string? label, bool rework)
    {
        var events = new List<FlowEvent> { Opened(0) with { SourceBranch = branch, Title = title, Labels = label is null ? null : ["enhancement", label] } };

        var change = new ChangeFacts(Repository, ChangeId);
        events.ForEach(change.Apply);

        Assert.Equal(rework, ReworkRules.Default.IsRework(change));
    }

    [Theory]
    [InlineData("fix/*", "fix/login", true)]
    [InlineData("fix/*", "hotfix/login", false)]       // configured rules replace the defaults
    [InlineData("release-?.?-fix", "release-1.2-fix", true)]
    [InlineData("release-?.?-fix", "release-1.20-fix", false)]
    [InlineData("*-urgent", "payments-URGENT", true)]
    public void Configured_branch_patterns_use_star_and_question_mark(string pattern, string branch, bool rework) =>
        Assert.Equal(rework, new ReworkRules([pattern], [], []).MatchesBranch(branch));

    [Fact]
    public void A_title_edited_between_reads_is_rework_when_either_title_says_so_in_any_order()
    {
        FlowEvent[] events = [Opened(0) with { Title = "Fix login" }, Opened(0) with { Title = "Revert \"Login v2\"" }];

        var forwards = new ChangeFacts(Repository, ChangeId);
        var backwards = new ChangeFacts(Repository, ChangeId);
        events.ToList().ForEach(forwards.Apply);
        events.Reverse().ToList().ForEach(backwards.Apply);

        Assert.True(ReworkRules.Default.IsRework(forwards));
        Assert.True(ReworkRules.Default.IsRework(backwards));
        Assert.Equal(forwards.Titles.Order(StringComparer.Ordinal), backwards.Titles.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_production_deployment_with_one_rework_change_among_three_is_rework_and_its_changes_say_which()
    {
        // Changes 41, 42 (hotfix branch) and 43 merged at 10, 20, 30; one production deployment at 60 carries all three.
        var flow = Flow(
        [
            .. OfChange("41", "m41", Opened(0) with { SourceBranch = "alice/feature" }, Merged(10)),
            .. OfChange("42", "m42", Opened(0) with { SourceBranch = "hotfix/login" }, Merged(20)),
            .. OfChange("43", "m43", Opened(0) with { Title = "Add search" }, Merged(30)),
            .. Deploy("d1", "production", started: 50, finished: 60, sha: "m43", includes: ["m41", "m42", "m43"]),
        ]);

        var deployment = Assert.Single(flow.FinishedDeployments());
        var point = Assert.Single(DeploymentPoints.From(deployment));
        var changeRework = flow.MergedTimelines().SelectMany(ChangePoints.From)
            .ToDictionary(p => p.Field(FlowSchema.Fields.ChangeId)!.Value.AsString!, p => p.Field(FlowSchema.Fields.Rework)!.Value.AsBoolean);

        Assert.Equal(["41", "42", "43"], deployment.ChangeIds.Order(StringComparer.Ordinal));
        Assert.True(deployment.IsRework);
        Assert.True(point.Field(FlowSchema.Fields.Rework)!.Value.AsBoolean);
        Assert.Equal(new Dictionary<string, bool> { ["41"] = false, ["42"] = true, ["43"] = false }, changeRework);
    }

    [Fact]
    public void Rework_that_reached_staging_only_does_not_count_in_the_rework_rate()
    {
        // Hotfix 42 went to staging (d1) but not yet to production; change 43 reached production (d2) alone (its source
        // compared it with an earlier production deployment: an uncompared first one would carry 42 too, merged before 43).
        var flow = Flow(
        [
            .. OfChange("42", "m42", Opened(0) with { Labels = ["hotfix"] }, Merged(10)),
            .. OfChange("43", "m43", Opened(0), Merged(12)),
            .. Deploy("d1", "staging", started: 20, finished: 25, sha: "m42", includes: ["m42"]),
            .. Deploy("d2", "production", started: 30, finished: 35, sha: "m43", includes: ["m43"], comparison: DeploymentComparison.Ahead),
        ], StagingThenProduction);

        var deployments = flow.FinishedDeployments().ToDictionary(d => d.Deployment.DeploymentId);
        var report = Dora(flow);

        Assert.True(deployments["d1"].IsRework); // the staging point says what it carried …
        Assert.False(deployments["d2"].IsRework);
        Assert.Equal(0, report.ReworkDeployments); // … but only production deployments make the rate
        Assert.Equal(0.0, report.ReworkRate);
    }

    [Theory]
    [InlineData(DeploymentComparison.Behind)]     // a rollback
    [InlineData(DeploymentComparison.Identical)]  // a redeploy
    public void Rollbacks_and_redeploys_deliver_no_change_so_are_not_rework(DeploymentComparison comparison)
    {
        var flow = Flow(
        [
            .. OfChange("42", "m42", Opened(0) with { SourceBranch = "hotfix/x" }, Merged(10)),
            .. Deploy("d1", "production", started: 20, finished: 25, sha: "m42", includes: ["m42"]),
            .. Deploy("d2", "production", started: 30, finished: 35, sha: "m42", includes: ["m42"], comparison: comparison),
        ]);

        var deployments = flow.FinishedDeployments().ToDictionary(d => d.Deployment.DeploymentId);
        var report = Dora(flow);

        Assert.True(deployments["d1"].IsRework);
        Assert.False(deployments["d2"].IsRework);
        Assert.Equal((1, 0.5), (report.ReworkDeployments, report.ReworkRate!.Value));
    }

    [Fact]
    public void The_rate_counts_successful_production_deployments_and_a_failed_hotfix_attempt_is_not_one_more()
    {
        // Hotfix 42: a failed attempt d1, then d2 succeeds; change 43 ships in d3. Rework rate = 1 of 2 successful.
        var flow = Flow(
        [
            .. OfChange("42", "m42", Opened(0) with { Title = "Revert \"x\"" }, Merged(10)),
            .. OfChange("43", "m43", Opened(0), Merged(40)),
            .. Deploy("d1", "production", started: 20, finished: 25, result: "failure", sha: "m42", includes: ["m42"]),
            .. Deploy("d2", "production", started: 26, finished: 30, sha: "m42", includes: ["m42"]),
            .. Deploy("d3", "production", started: 50, finished: 55, sha: "m43", includes: ["m43"]),
        ]);

        var report = Dora(flow);

        Assert.Equal(2, report.Deployments);
        Assert.Equal(1, report.ReworkDeployments);
        Assert.Equal(0.5, report.ReworkRate);
    }

    [Fact]
    public void No_successful_production_deployment_leaves_the_rate_undefined()
    {
        var report = DoraMetrics.Compute(Monday9, Monday9.AddDays(7), [new DoraDeployment("production", Monday9.AddHours(1), false, false) { Rework = true }], [], [], TimeSpan.FromDays(1));

        Assert.Null(report.ReworkRate);
        Assert.Equal(0, report.ReworkDeployments);
    }

    [Fact]
    public void A_pending_change_replayed_into_the_next_run_is_still_rework()
    {
        // Hotfix 42 merged in run 1, deployed in run 2: run 2 knows the change only from its pending events.
        var first = Flow([.. OfChange("42", "m42", Opened(0) with { SourceBranch = "hotfix/a", Title = "Fix", Labels = ["urgent"] }, Merged(10))]);
        var pending = Assert.Single(first.PendingChanges(Monday9));

        var second = Flow([.. pending.Events, .. Deploy("d1", "production", started: 20, finished: 25, sha: "m42", includes: ["m42"])]);
        var again = new ChangeFacts(Repository, "42");
        foreach (var e in pending.Events.Where(e => e.SubjectId == "42"))
        {
            again.Apply(e);
        }

        Assert.True(Assert.Single(second.FinishedDeployments()).IsRework);
        Assert.Equal(("hotfix/a", "Fix", "urgent"), (again.SourceBranch, Assert.Single(again.Titles), Assert.Single(again.Labels)));
    }

    private static DoraReport Dora(RepositoryFlow flow)
    {
        var production = flow.FinishedDeployments()
            .Where(d => string.Equals(d.Deployment.Environment, "production", StringComparison.OrdinalIgnoreCase))
            .Select(d => new DoraDeployment("production", d.Deployment.Finished!.Value, d.Deployment.Succeeded, d.Deployment.IsRollback) { Rework = d.IsRework })
            .ToList();
        return DoraMetrics.Compute(Monday9, Monday9.AddDays(7), production, [], [], TimeSpan.FromDays(1));
    }
}
