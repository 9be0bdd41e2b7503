namespace FlowCollector.Domain.Points;

/// <summary>
/// Names of everything FlowCollector writes (docs/schema.md). Dashboards and alert rules query these names;
/// SchemaDocumentTests (tests/FlowCollector.Worker.Tests/Architecture) holds them to the schema document.
/// Tags are low-cardinality only: ids, SHAs and numbers are fields.
/// </summary>
public static class FlowSchema
{
    /// <summary>Written as the <c>schema</c> tag on every point; bumped on a breaking change of measurement, tag or field meaning.</summary>
    public const string Version = "1";

    /// <summary>The <c>stage_rule</c> field's value: the rule in snake case (<c>CiQueue</c> → <c>ci_queue</c>), the default stage names' spelling.</summary>
    public static string StageRuleValue(FlowCollector.Domain.ValueStream.StageRule rule) =>
        string.Concat(rule.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    public static class Measurements
    {
        /// <summary>The waiting-now snapshot: per repository and wait stage, one point per poll. Timestamp: the poll.</summary>
        public const string StageQueue = "stage_queue";

        /// <summary>One point per change per present stage. Timestamp: the stage's end.</summary>
        public const string ChangeStage = "change_stage";

        /// <summary>One point per arrived change. Timestamp: the arrival (its first successful production deployment finished).</summary>
        public const string Change = "change";

        /// <summary>One point per finished deployment, any environment. Timestamp: the deployment finished.</summary>
        public const string Deployment = "deployment";

        /// <summary>One point per target per run: the collector's own health.</summary>
        public const string CollectorSync = "collector_sync";

        /// <summary>One point per finished pipeline run attempt. Timestamp: the attempt finished.</summary>
        public const string PipelineRun = "pipeline_run";

        /// <summary>One point per incident. Timestamp: the incident was opened (rewritten in place when it is resolved).</summary>
        public const string Incident = "incident";

        /// <summary>
        /// One point per recovery of DORA's failed deployment recovery time: a production deployment that ended a run of
        /// failures (timestamp: that deployment's) or a resolved incident (timestamp: its opening). Field <c>seconds</c>.
        /// </summary>
        public const string Recovery = "recovery";

        /// <summary>Per repository, period and wait stage: change-hours and rank (1 = the constraint). Timestamp: the period's reference time (docs/schema.md).</summary>
        public const string Constraint = "constraint";

        /// <summary>
        /// Per source, organisation, team and wait stage: the changes waiting now summed over the repositories (their latest
        /// snapshots), so boards need not sum thousands of repositories. Timestamp: the rollup's run.
        /// </summary>
        public const string QueueRollup = "queue_rollup";
    }

    public static class Tags
    {
        public const string Schema = "schema";
        public const string Source = "source";
        public const string Org = "org";
        public const string Repo = "repo";
        public const string Stage = "stage";
        public const string Kind = "kind";
        public const string Result = "result";
        public const string Environment = "environment";
        public const string Pipeline = "pipeline";
        public const string Team = "team";
        public const string Fallback = "fallback";

        /// <summary>
        /// On <c>deployment</c> and <c>change</c>: <c>true</c> when the environment is one of the repository's production
        /// environments (<see cref="ValueStream.ValueStreamDefinition.ProductionEnvironments"/>), else <c>false</c>. A tag
        /// because boards and alert rules filter and group by it, and it adds no series: it follows the environment.
        /// </summary>
        public const string Production = "production";

        /// <summary>On <c>constraint</c>: <c>28d</c> (rolling) or <c>week</c> (ISO week).</summary>
        public const string Period = "period";

        /// <summary>Every tag key the schema allows; a point with another key is a defect.</summary>
        public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
        {
            Schema, Source, Org, Repo, Stage, Kind, Result, Environment, Pipeline, Team, Fallback, Production, Period,
        };

        /// <summary>The value of <see cref="Production"/>: lower case, as boards and alert rules compare it.</summary>
        public static string ProductionValue(bool production) => production ? "true" : "false";
    }

    public static class Fields
    {
        public const string Count = "count";

        /// <summary>On <c>queue_rollup</c>: how many repositories' snapshots the sum covers.</summary>
        public const string Repos = "repos";

        /// <summary>On <c>change</c>: how many of the change's stage spans were clamped (their <c>change_stage</c> points carry <c>clamped=true</c>).</summary>
        public const string ClampedStages = "clamped_stages";
        public const string MedianAgeSeconds = "median_age_seconds";
        public const string OldestAgeSeconds = "oldest_age_seconds";
        public const string OldestChangeId = "oldest_change_id";

        /// <summary>On <c>stage_queue</c>: the link of the longest-waiting change (its pull request, or the commit of a direct push).</summary>
        public const string OldestChangeUrl = "oldest_change_url";

        /// <summary>On <c>stage_queue</c>: the longest-waiting change's pull-request number as an integer (absent for a direct push), for alert annotations.</summary>
        public const string OldestChangeNumber = "oldest_change_number";

        /// <summary>On <c>stage_queue</c>: the stage's built-in rule in snake case (<c>pickup</c>, <c>release_wait</c>, …), whatever the stage is named.</summary>
        public const string StageRule = "stage_rule";

        public const string Seconds = "seconds";

        /// <summary>
        /// On <c>change_stage</c> and <c>stage_queue</c>: the stage's 1-based position in its repository's stream, so a
        /// board sorts each repository's stages in its own path order without knowing the path.
        /// </summary>
        public const string StageOrder = "stage_order";
        public const string ChangeId = "change_id";
        public const string Url = "url";
        public const string Clamped = "clamped";
        public const string Direct = "direct";
        public const string LastSuccess = "last_success";
        public const string LagSeconds = "lag_seconds";
        public const string ApiRequests = "api_requests";
        public const string RateLimitRemaining = "rate_limit_remaining";
        public const string Errors = "errors";
        public const string Points = "points";
        public const string Events = "events";

        /// <summary>On <c>collector_sync</c>: the target's schedule gap, s (the interval, or the cron's gap between its next two runs).</summary>
        public const string IntervalSeconds = "interval_seconds";

        /// <summary>On <c>collector_sync</c>: the run's time minus the target's last successful run, s (0 on success; absent before a first success).</summary>
        public const string SinceSuccessSeconds = "since_success_seconds";

        // change
        public const string LeadSeconds = "lead_seconds";
        public const string FlowSeconds = "flow_seconds";
        public const string ProcessSeconds = "process_seconds";
        public const string WaitSeconds = "wait_seconds";
        public const string FlowEfficiency = "flow_efficiency";
        public const string Commits = "commits";

        // deployment
        public const string DurationSeconds = "duration_seconds";
        public const string QueueSeconds = "queue_seconds";
        public const string Changes = "changes";
        public const string Rollback = "rollback";
        public const string Redeploy = "redeploy";

        /// <summary>On <c>deployment</c>: it carried an unplanned fix; on <c>change</c>: the change is one (docs/metrics.md, "Rework rate").</summary>
        public const string Rework = "rework";
        public const string DeploymentId = "deployment_id";
        public const string RecoverySeconds = "recovery_seconds";
        public const string Sha = "sha";

        // pipeline_run
        public const string RunSeconds = "run_seconds";
        public const string RunId = "run_id";
        public const string Attempt = "attempt";

        // incident
        public const string IncidentId = "incident_id";
        public const string Open = "open";
        public const string RestoreSeconds = "restore_seconds";

        /// <summary>
        /// On <c>deployment</c> (merged into a successful production deployment's point): 1 = an incident opened within
        /// 24 h after it made it failed; 0 = it did, but a rollback already counts it.
        /// </summary>
        public const string IncidentFailure = "incident_failure";

        // constraint
        public const string Rank = "rank";
        public const string ChangeHours = "change_hours";
        public const string Share = "share";
        public const string MedianSeconds = "median_seconds";
        public const string P75Seconds = "p75_seconds";
        public const string Moved = "moved";
        public const string Margin = "margin";
        public const string RunnerUp = "runner_up";
        public const string PreviousStage = "previous_stage";
        public const string ShareChange = "share_change";
    }
}
