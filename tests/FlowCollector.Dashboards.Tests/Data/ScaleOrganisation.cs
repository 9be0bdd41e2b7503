using System.Globalization;
using System.Text;

namespace FlowCollector.Dashboards.Tests.Data;

/// <summary>
/// Line protocol for an organisation of <see cref="Repositories"/> repositories over the 30 days before "now", shaped as
/// the collector writes it (docs/schema.md): per repository 15 arrived changes (11 <c>change_stage</c> points each, one
/// <c>change</c>), 20 production and 20 staging deployments (every seventh failed, the next one recovering), 20 pipeline
/// runs, an incident (for every other repository merged into the deployment it failed), the recovery points, the constraint points of the last
/// 24 hourly runs, and — every 15 minutes over the last 12 hours (48 polls, the default interval) — the five-stage
/// waiting-now snapshot and the run's <c>collector_sync</c> point. 10 organisations; 80 % of the repositories in one of
/// 20 teams. Deterministic (a fixed seed), about 650,000 points.
/// </summary>
public static class ScaleOrganisation
{
    public const int Repositories = 1000;
    public const int ChangesPerRepository = 15;
    public const int DeploymentsPerEnvironment = 20;
    public const int Polls = 48;

    private static readonly (string Stage, string Kind)[] Stages =
    [
        ("backlog", "wait"), ("coding", "process"), ("pickup", "wait"), ("review", "process"), ("merge", "wait"), ("ci_queue", "wait"),
        ("ci", "process"), ("release_wait", "wait"), ("deploy:staging", "process"), ("promotion_wait:production", "wait"), ("deploy:production", "process"),
    ];

    private static readonly string[] QueueStages = ["pickup", "merge", "ci_queue", "release_wait", "promotion_wait:production"];

    private static readonly int[] QueueOrder = [3, 5, 6, 8, 10];

    /// <summary>The lines of one repository (≈ 940 points), so callers can write repositories in parallel batches.</summary>
    public static string Lines(int index, DateTimeOffset now)
    {
        var random = new Random(index);
        var builder = new StringBuilder(200_000);
        var org = $"org{index % 10:00}";
        var repo = $"repo{index:0000}";
        var team = index % 5 == 4 ? "" : $",team=team{index % 20:00}";
        var tags = $"org={org},repo={repo},schema=1,source=github{team}";
        var start = now.AddDays(-30);

        for (var c = 0; c < ChangesPerRepository; c++)
        {
            var arrived = start.AddHours((c * 48) + 24 + random.Next(0, 20)).AddSeconds(index);
            double flow = 0, process = 0;
            var seconds = Stages.Select(s => (double)random.Next(60, s.Kind == "wait" ? 86_400 : 7_200)).ToArray();
            var end = arrived.AddSeconds(-seconds.Sum());
            for (var s = 0; s < Stages.Length; s++)
            {
                end = end.AddSeconds(seconds[s]);
                flow += seconds[s];
                process += Stages[s].Kind == "process" ? seconds[s] : 0;
                builder.Append("change_stage,kind=").Append(Stages[s].Kind).Append(',').Append(tags.Replace("source=github", "source=github,stage=" + Stages[s].Stage.Replace(":", "\\:", StringComparison.Ordinal), StringComparison.Ordinal))
                    .Append(" change_id=\"").Append(c).Append("\",clamped=false,direct=false,seconds=").Append(Number(seconds[s]))
                    .Append(",stage_order=").Append(s + 1).Append("i,url=\"https://scm.example/").Append(repo).Append("/pull/").Append(c).Append('"')
                    .Append(' ').Append(Ns(end)).Append('\n');
            }

            builder.Append("change,environment=production,").Append(tags.Replace("repo=", "production=true,repo=", StringComparison.Ordinal))
                .Append(" change_id=\"").Append(c).Append("\",clamped_stages=0i,commits=2i,direct=false,flow_efficiency=").Append(Number(process / flow))
                .Append(",flow_seconds=").Append(Number(flow)).Append(",lead_seconds=").Append(Number(flow + 600))
                .Append(",process_seconds=").Append(Number(process)).Append(",rework=").Append(c % 9 == 0 ? "true" : "false")
                .Append(",wait_seconds=").Append(Number(flow - process)).Append(",url=\"https://scm.example/").Append(repo).Append("/pull/").Append(c).Append("\" ")
                .Append(Ns(arrived)).Append('\n');
        }

        foreach (var (environment, production) in new[] { ("staging", "false"), ("production", "true") })
        {
            for (var d = 0; d < DeploymentsPerEnvironment; d++)
            {
                var finished = start.AddHours((d * 36) + 30 + (production == "true" ? 3 : 0)).AddSeconds(index);
                var failed = d % 7 == 3;
                var recovery = d % 7 == 4 ? ",recovery_seconds=5400" : "";
                builder.Append("deployment,environment=").Append(environment).Append(',').Append(tags.Replace("repo=", $"production={production},repo=", StringComparison.Ordinal))
                    .Append(",result=").Append(failed ? "failure" : "success")
                    .Append(" changes=1i,deployment_id=\"").Append(environment).Append(d).Append("\",duration_seconds=").Append(random.Next(60, 900))
                    .Append(",queue_seconds=").Append(random.Next(0, 600)).Append(recovery)
                    .Append(",redeploy=false,rework=false,rollback=false,sha=\"").Append(d).Append("\",url=\"https://scm.example/d\" ")
                    .Append(Ns(finished)).Append('\n');
            }
        }

        for (var r = 0; r < 20; r++)
        {
            builder.Append("pipeline_run,").Append(tags.Replace("repo=", "pipeline=ci,repo=", StringComparison.Ordinal)).Append(",result=").Append(r % 6 == 5 ? "failure" : "success")
                .Append(" attempt=1i,queue_seconds=").Append(random.Next(1, 300)).Append(",run_id=\"").Append(r).Append("\",run_seconds=").Append(random.Next(60, 1800))
                .Append(",sha=\"").Append(r).Append("\",url=\"https://scm.example/r\" ").Append(Ns(start.AddHours((r * 36) + 7).AddSeconds(index))).Append('\n');
        }

        var opened = start.AddHours((3 * 36) + 33 + 5).AddSeconds(index); // 5 h after the fourth production deployment
        builder.Append("incident,").Append(tags).Append(" incident_id=\"i").Append(index).Append("\",open=false,restore_seconds=").Append(random.Next(600, 20_000))
            .Append(",url=\"https://scm.example/i\" ").Append(Ns(opened)).Append('\n');
        if (index % 2 == 0)
        {
            builder.Append("deployment,environment=production,").Append(tags.Replace("repo=", "production=true,repo=", StringComparison.Ordinal)).Append(",result=success")
                .Append(" deployment_id=\"production3\",incident_failure=1i,incident_id=\"i").Append(index).Append("\" ").Append(Ns(start.AddHours((3 * 36) + 33).AddSeconds(index))).Append('\n');
        }

        builder.Append("recovery,").Append(tags).Append(" incident_id=\"i").Append(index).Append("\",seconds=").Append(random.Next(600, 20_000)).Append(' ').Append(Ns(opened)).Append('\n');
        for (var d = 4; d < DeploymentsPerEnvironment; d += 7)
        {
            builder.Append("recovery,environment=production,").Append(tags.Replace("repo=", "production=true,repo=", StringComparison.Ordinal))
                .Append(" deployment_id=\"production").Append(d).Append("\",seconds=5400 ").Append(Ns(start.AddHours((d * 36) + 33).AddSeconds(index))).Append('\n');
        }

        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        for (var h = 0; h < 24; h++)
        {
            for (var s = 0; s < QueueStages.Length; s++)
            {
                var rank = ((s + index) % QueueStages.Length) + 1;
                builder.Append("constraint,").Append(tags.Replace("repo=", "period=28d,repo=", StringComparison.Ordinal).Replace("source=github", "source=github,stage=" + QueueStages[s].Replace(":", "\\:", StringComparison.Ordinal), StringComparison.Ordinal))
                    .Append(" change_hours=").Append(100 - (rank * 15)).Append(",changes=").Append(10 - rank).Append("i,median_seconds=3600,p75_seconds=7200,rank=").Append(rank)
                    .Append("i,share=").Append(Number((100 - (rank * 15)) / 275.0));
                if (rank == 1)
                {
                    builder.Append(",moved=").Append(h == 0 ? "true" : "false").Append(",runner_up=\"").Append(QueueStages[(s + 1) % QueueStages.Length]).Append("\",margin=0.2,change_id=\"3\",url=\"https://scm.example/c\"");
                }

                builder.Append(' ').Append(Ns(hour.AddHours(-h))).Append('\n');
            }
        }

        for (var p = 0; p < Polls; p++)
        {
            var poll = now.AddMinutes(-15 * p).AddSeconds(-(index % 900));
            for (var s = 0; s < QueueStages.Length; s++)
            {
                var count = (index + s + p) % 4;
                builder.Append("stage_queue,kind=wait,").Append(tags.Replace("source=github", "source=github,stage=" + QueueStages[s].Replace(":", "\\:", StringComparison.Ordinal), StringComparison.Ordinal))
                    .Append(" count=").Append(count).Append('i');
                if (count > 0)
                {
                    builder.Append(",oldest_age_seconds=").Append(3600 * (count + s)).Append(",median_age_seconds=").Append(1800 * (count + s)).Append(",oldest_change_id=\"").Append(count + s).Append('"');
                }

                builder.Append(",stage_order=").Append(QueueOrder[s]).Append("i ").Append(Ns(poll)).Append('\n');
            }

            var failing = index % 100 == 7 && p < 8;
            builder.Append("collector_sync,").Append(tags).Append(",result=").Append(failing ? "failure" : "success")
                .Append(" api_requests=3i,errors=").Append(failing ? 1 : 0).Append("i,lag_seconds=").Append(900 + (index % 600))
                .Append(",last_success=").Append(poll.AddHours(failing ? -2 : 0).ToUnixTimeSeconds()).Append("i,rate_limit_remaining=").Append(4000 - (index % 3000)).Append('i')
                .Append(failing ? "" : ",events=12i,points=50i").Append(' ').Append(Ns(poll)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The <c>queue_rollup</c> points of the same polls (every 15 minutes): per organisation, team and stage the sum of
    /// the repositories' counts in <see cref="Lines"/>, as the collector's rollup writes them.
    /// </summary>
    public static string RollupLines(DateTimeOffset now)
    {
        var builder = new StringBuilder();
        for (var p = 0; p < Polls; p++)
        {
            var sums = new SortedDictionary<(string Org, string Team, int Stage), (long Count, long Repos)>();
            for (var index = 0; index < Repositories; index++)
            {
                var team = index % 5 == 4 ? "" : $"team{index % 20:00}";
                for (var s = 0; s < QueueStages.Length; s++)
                {
                    var key = ($"org{index % 10:00}", team, s);
                    sums.TryGetValue(key, out var sum);
                    sums[key] = (sum.Count + ((index + s + p) % 4), sum.Repos + 1);
                }
            }

            foreach (var ((org, team, stage), (count, repos)) in sums)
            {
                builder.Append("queue_rollup,kind=wait,org=").Append(org).Append(",schema=1,source=github,stage=").Append(QueueStages[stage].Replace(":", "\\:", StringComparison.Ordinal))
                    .Append(team.Length > 0 ? ",team=" + team : "").Append(" count=").Append(count).Append("i,repos=").Append(repos).Append("i ")
                    .Append(Ns(now.AddMinutes(-15 * p))).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Ns(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture);
}
