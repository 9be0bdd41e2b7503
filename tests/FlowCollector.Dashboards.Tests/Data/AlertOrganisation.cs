using System.Globalization;
using System.Text;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;

namespace FlowCollector.Dashboards.Tests.Data;

/// <summary>One problem the alert tests inject into the healthy organisation; each must fire exactly its rule.</summary>
public enum AlertProblem
{
    None,
    WaitRising,
    PickupStuck,
    MergedNotDeployed,
    ChangeFailureRate,
    ConstraintMoved,
    ConstraintShareGrew,
    TargetStale,
    RateLimitLow,
    CollectorSilent,
}

/// <summary>
/// A simulated organisation in the schema's shape (docs/schema.md), written straight as points so every number is
/// known by hand: <c>contoso</c> on GitHub (repositories 0–19, 20 a busy and some small) and <c>fabrikam</c> on Azure
/// DevOps (20–29), teams <c>payments</c> (0–9) and <c>search</c> (10–19), the rest in no team. It is healthy but
/// realistic — small repositories whose 7-day samples jump, backlog waits that grow, a failing staging environment,
/// a transient sync failure, a near-tie constraint that moved — and no rule may fire on it. Each
/// <see cref="AlertProblem"/> adds one real problem on top.
/// </summary>
public static class AlertOrganisation
{
    /// <summary>Repositories 20–29 (fabrikam) are small: one change every 48 hours.</summary>
    public const int FirstSmall = 20;

    public static string Repo(int index) => $"svc-{index:D2}";

    public static string Org(int index) => index < FirstSmall ? "contoso" : "fabrikam";

    public static string Source(int index) => index < FirstSmall ? "github" : "azuredevops";

    public static string? Team(int index) => index < 10 ? "payments" : index < 20 ? "search" : null;

    /// <summary>Monday 00:00 UTC of the last completed ISO week before <paramref name="now"/> (the <c>period=week</c> points' time).</summary>
    public static DateTimeOffset LastWeek(DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var sinceMonday = ((int)today.DayOfWeek + 6) % 7;
        return today.AddDays(-sinceMonday - 7);
    }

    public static string Lines(DateTimeOffset now, AlertProblem problem, int repositories = 30)
    {
        var lines = new StringBuilder();
        for (var r = 0; r < repositories; r++)
        {
            var small = r >= FirstSmall;
            var tags = Tags(r);
            Stages(lines, now, r, tags, small, problem);
            Queues(lines, now, r, tags, problem);
            Deployments(lines, now, r, tags, small, problem);
            Constraint(lines, now, r, tags, small, problem);
            if (problem != AlertProblem.CollectorSilent)
            {
                Sync(lines, now, r, tags, problem);
            }
        }

        return lines.ToString();
    }

    private static string Tags(int r) =>
        $"org={Org(r)},repo={Repo(r)},schema=1,source={Source(r)}" + (Team(r) is { } team ? $",team={team}" : "");

    /// <summary>
    /// Busy repositories: change i (0–111) waits at now − (6 i + 1) h, four a day, 28 in the last 7 days. Pickup waits
    /// cycle 1, 1.5, 2, 2.5 h (the same p75 over 7 and 28 days); merge 30 min; release_wait 3 h; promotion 5 h. Backlog
    /// waits 30 h in the last 7 days and 10 h before (3×: it would fire if backlog counted). Small repositories: change
    /// i (0–27) at now − (24 i + 1) h, 7 in the last 7 days; their pickup waits 5, 6, 8, 10, 5, 6, 8 h then, 2 h before.
    /// Every stage point of a change is stamped at the same time (the stages are different series), which is also the
    /// change's arrival for the rolling constraint points the collector writes from the same waits (period 7d and 28d).
    /// </summary>
    private static void Stages(StringBuilder lines, DateTimeOffset now, int r, string tags, bool small, AlertProblem problem)
    {
        var count = small ? 28 : 112;
        var arrived = new List<ArrivedChangeWaits>(count);
        for (var i = 0; i < count; i++)
        {
            var at = now.AddHours(-((small ? 24 : 6) * i) - 1);
            var recent = i < (small ? 7 : 28);
            var pickup = small
                ? (recent ? new[] { 5d, 6, 8, 10, 5, 6, 8 }[i] : 2) * 3600
                : (1 + (0.5 * (i % 4))) * 3600 * (problem == AlertProblem.WaitRising && r == 3 && recent ? 3 : 1);
            var number = 1000 + i;
            Stage(lines, tags, "backlog", "wait", 1, number, (recent ? 30 : 10) * 3600, at);
            Stage(lines, tags, "pickup", "wait", 3, number, pickup, at);
            Stage(lines, tags, "merge", "wait", 5, number, 1800, at);
            Stage(lines, tags, "release_wait", "wait", 8, number, 3 * 3600, at);
            Stage(lines, tags, "promotion_wait:production", "wait", 10, number, 5 * 3600, at);
            arrived.Add(new ArrivedChangeWaits(
                number.ToString(CultureInfo.InvariantCulture),
                $"https://example.test/pull/{number}",
                at,
                new Dictionary<string, double> { ["pickup"] = pickup, ["merge"] = 1800, ["release_wait"] = 3 * 3600, ["promotion_wait:production"] = 5 * 3600 }));
        }

        lines.Append(RollingConstraintLines.Of(new RepositoryRef(Source(r), Org(r), Repo(r)), Team(r), arrived, StageOrder, now));
    }

    /// <summary>The repositories' path: the wait stages of the rolling constraint points (backlog is never one, as in the collector).</summary>
    private static readonly string[] StageOrder = ["backlog", "coding", "pickup", "review", "merge", "ci_queue", "ci", "release_wait", "deploy:staging", "promotion_wait:production", "deploy:production"];

    private static void Stage(StringBuilder lines, string tags, string stage, string kind, int order, int number, double seconds, DateTimeOffset at) =>
        lines.Append(CultureInfo.InvariantCulture, $"change_stage,kind={kind},{tags},stage={stage} seconds={seconds},change_id=\"{number}\",url=\"https://example.test/pull/{number}\",clamped=false,direct=false,stage_order={order}i {Nanoseconds(at) + number}\n");

    /// <summary>
    /// Snapshots every 15 minutes over the last hour. Healthy: pickup's oldest (#900) 3 h, release_wait's 10 h, the
    /// others empty. Problems: pickup's oldest #4711 at 30 h in svc-05; #815 at 60 h in svc-22, whose release_wait
    /// stage is renamed "ship-queue" (the rule finds it by stage_rule).
    /// </summary>
    private static void Queues(StringBuilder lines, DateTimeOffset now, int r, string tags, AlertProblem problem)
    {
        for (var poll = 0; poll < 4; poll++)
        {
            var at = now.AddMinutes(-(15 * poll) - 1);
            var stuckPickup = problem == AlertProblem.PickupStuck && r == 5;
            var stuckRelease = problem == AlertProblem.MergedNotDeployed && r == 22;
            Queue(lines, tags, "pickup", "pickup", 3, stuckPickup ? 2 : 1, (stuckPickup ? 30 : 3) * 3600, stuckPickup ? 4711 : 900, at);
            Queue(lines, tags, "merge", "merge", 5, 0, 0, 0, at);
            Queue(lines, tags, "ci_queue", "ci_queue", 6, 0, 0, 0, at);
            Queue(lines, tags, r == 22 ? "ship-queue" : "release_wait", "release_wait", 8, 1, (stuckRelease ? 60 : 10) * 3600, stuckRelease ? 815 : 901, at);
            Queue(lines, tags, "promotion_wait:production", "promotion_wait", 10, 0, 0, 0, at);
        }
    }

    private static void Queue(StringBuilder lines, string tags, string stage, string rule, int order, int count, double oldest, int number, DateTimeOffset at)
    {
        lines.Append(CultureInfo.InvariantCulture, $"stage_queue,kind=wait,{tags},stage={stage} count={count}i,stage_rule=\"{rule}\",stage_order={order}i");
        if (count > 0)
        {
            lines.Append(CultureInfo.InvariantCulture, $",oldest_age_seconds={oldest},median_age_seconds={oldest / 2},oldest_change_id=\"{number}\",oldest_change_url=\"https://example.test/pull/{number}\",oldest_change_number={number}i");
        }

        lines.Append(CultureInfo.InvariantCulture, $" {Nanoseconds(at)}\n");
    }

    /// <summary>
    /// Production (named production, PROD or prod-eu by repository) over the last 27 days: busy repositories 20 deployments
    /// with 1 failure (5 %); small ones 4 with 1 failure (25 %, but fewer than 10 deployments: no verdict). Staging fails
    /// every other time (not production: not counted). svc-07's problem: 4 failures and 1 rollback of 20 (25 %).
    /// </summary>
    private static void Deployments(StringBuilder lines, DateTimeOffset now, int r, string tags, bool small, AlertProblem problem)
    {
        var production = (r % 3) switch { 0 => "production", 1 => "PROD", _ => "prod-eu" };
        var count = small ? 4 : 20;
        for (var i = 0; i < count; i++)
        {
            var at = now.AddHours(-(i * (small ? 150 : 30)) - 2);
            var failed = i == 1 || (problem == AlertProblem.ChangeFailureRate && r == 7 && i is 3 or 5 or 7);
            var rollback = problem == AlertProblem.ChangeFailureRate && r == 7 && i == 9;
            Deployment(lines, tags, production, true, failed, rollback, i, at);
            Deployment(lines, tags, "staging", false, i % 2 == 0, false, i + 500, at);
        }
    }

    private static void Deployment(StringBuilder lines, string tags, string environment, bool production, bool failed, bool rollback, int id, DateTimeOffset at) =>
        lines.Append(CultureInfo.InvariantCulture, $"deployment,environment={environment},{tags},production={(production ? "true" : "false")},result={(failed ? "failure" : "success")} duration_seconds=120,changes=1i,rollback={(rollback ? "true" : "false")},redeploy=false,deployment_id=\"{id}\" {Nanoseconds(at) + id}\n");

    /// <summary>
    /// The last completed week's constraint per repository: busy ones release_wait (rank 1, share 0.45, +0.02 on the week
    /// before, 20 changes, margin 0.3) and pickup (rank 2). svc-04's constraint moved but by a near-tie (margin 0.05);
    /// small repositories' moved with 6 changes (too few). The week before last moved everywhere (outside the window), and
    /// the rolling 28-day points are not weeks (a rank-1 one that "moved", an hour before the rolling points of Stages). Problems: svc-11 moved to pickup (margin 0.4, share 0.5, 15 changes);
    /// svc-12's release_wait went from 0.45 to 0.70 of the waiting (+0.25).
    /// </summary>
    private static void Constraint(StringBuilder lines, DateTimeOffset now, int r, string tags, bool small, AlertProblem problem)
    {
        var week = LastWeek(now);
        var moved = problem == AlertProblem.ConstraintMoved && r == 11;
        var grew = problem == AlertProblem.ConstraintShareGrew && r == 12;
        var (stage, changes, margin, share, change, isMoved) =
            moved ? ("pickup", 15, 0.4, 0.5, 0.3, true)
            : grew ? ("release_wait", 20, 0.5, 0.7, 0.25, false)
            : small ? ("release_wait", 6, 0.6, 0.5, 0.3, true)
            : r == 4 ? ("pickup", 20, 0.05, 0.4, 0.1, true)
            : ("release_wait", 20, 0.3, 0.45, 0.02, false);
        Constraint(lines, tags, "week", stage, 1, changes, share, margin, change, isMoved, week);
        Constraint(lines, tags, "week", stage == "pickup" ? "release_wait" : "pickup", 2, changes, share * (1 - margin), null, null, false, week);
        Constraint(lines, tags, "week", "merge", 1, 30, 0.9, 0.8, 0.6, true, week.AddDays(-7));
        Constraint(lines, tags, "28d", "merge", 1, 30, 0.9, 0.8, 0.6, true, new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-1));
    }

    private static void Constraint(StringBuilder lines, string tags, string period, string stage, int rank, int changes, double share, double? margin, double? shareChange, bool moved, DateTimeOffset at)
    {
        lines.Append(CultureInfo.InvariantCulture, $"constraint,{tags},period={period},stage={stage} rank={rank}i,change_hours={share * 100},share={share},changes={changes}i,median_seconds=3600,p75_seconds=7200");
        if (rank == 1)
        {
            lines.Append(CultureInfo.InvariantCulture, $",moved={(moved ? "true" : "false")},margin={margin}");
            if (shareChange is { } c)
            {
                lines.Append(CultureInfo.InvariantCulture, $",share_change={c}");
            }
        }

        lines.Append(CultureInfo.InvariantCulture, $" {Nanoseconds(at)}\n");
    }

    /// <summary>
    /// Runs every 15 minutes over the last 2 hours (9 runs, the newest a minute ago). svc-02 failed once 45 minutes ago
    /// (recovered); svc-03's last two runs failed (since_success 1800 s = 2 runs: not yet stale); svc-13 runs on a 6-hour
    /// cron and last ran 5 hours ago. GitHub reports a budget of 4,000 left (svc-01 with the problem: 120).
    /// Problem: svc-21's last five runs failed (since_success 4500 s = 5 runs of 900 s).
    /// </summary>
    private static void Sync(StringBuilder lines, DateTimeOffset now, int r, string tags, AlertProblem problem)
    {
        var interval = r == 13 ? 21600 : 900;
        var runs = r == 13 ? 1 : 9;
        var failing = r switch
        {
            3 => 2,
            21 when problem == AlertProblem.TargetStale => 5,
            _ => 0,
        };
        var lastSuccess = (DateTimeOffset?)null;
        for (var run = runs - 1; run >= 0; run--)
        {
            var at = r == 13 ? now.AddHours(-5) : now.AddMinutes(-(15 * run) - 1);
            var failed = run < failing || (r == 2 && run == 3);
            lastSuccess = failed ? lastSuccess : at;
            var fields = new StringBuilder().Append(CultureInfo.InvariantCulture, $"errors={(failed ? 1 : 0)}i,api_requests=5i,interval_seconds={interval}");
            if (lastSuccess is { } success)
            {
                fields.Append(CultureInfo.InvariantCulture, $",last_success={success.ToUnixTimeSeconds()}i,since_success_seconds={(at - success).TotalSeconds}");
            }

            if (Source(r) == "github")
            {
                fields.Append(CultureInfo.InvariantCulture, $",rate_limit_remaining={(problem == AlertProblem.RateLimitLow && r == 1 && run == 0 ? 120 : 4000)}i");
            }

            lines.Append(CultureInfo.InvariantCulture, $"collector_sync,{tags},result={(failed ? "failure" : "success")} {fields} {Nanoseconds(at)}\n");
        }
    }

    private static long Nanoseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() * 1_000_000;
}
