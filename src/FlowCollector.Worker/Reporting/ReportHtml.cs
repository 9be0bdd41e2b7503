using System.Globalization;
using System.Net;
using System.Text;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;

namespace FlowCollector.Worker.Reporting;

/// <summary>
/// Renders a <see cref="ValueStreamReport"/> as one self-contained HTML page: inline CSS and SVG, no script, no font,
/// no image or link that loads anything, so it opens from an e-mail attachment offline and prints to PDF. Every figure
/// is also in a table (the SVG's text alternative), and elements carry <c>data-*</c> attributes with raw seconds so a
/// test can compare the page with the engine.
/// </summary>
public static class ReportHtml
{
    private const int BoxWidth = 132;
    private const int Gap = 14;

    public static string Render(ValueStreamReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<title>").Append(E($"Value stream report — {report.Scope}")).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><h1>Value stream report — ").Append(E(report.Scope)).Append("</h1>\n<p class=\"meta\">Changes that reached production from <time datetime=\"")
            .Append(report.From.ToString("O", CultureInfo.InvariantCulture)).Append("\">").Append(Day(report.From)).Append("</time> to <time datetime=\"")
            .Append(report.To.ToString("O", CultureInfo.InvariantCulture)).Append("\">").Append(Day(report.To)).Append("</time> (UTC). Generated ")
            .Append(report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append(" UTC by FlowCollector.</p>\n</header>\n");
        html.Append(HowToRead);
        if (report.Repositories.Count == 0)
        {
            html.Append("<p>No repository was collected.</p>\n");
        }

        var index = 0;
        foreach (var repository in report.Repositories)
        {
            Section(html, repository, ++index);
        }

        html.Append(Definitions).Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, ReportRepository r, int index)
    {
        html.Append("<section class=\"repo\" data-repository=\"").Append(E(r.Repository)).Append("\">\n<h2>").Append(E(r.Repository)).Append("</h2>\n");
        html.Append("<p class=\"path\">Environment path: ").Append(E(string.Join(" → ", r.EnvironmentPath))).Append(". ")
            .Append(r.ChangesArrived.ToString(CultureInfo.InvariantCulture)).Append(" change(s) reached production in the period.</p>\n");
        if (r.ChangesArrived == 0)
        {
            html.Append("<p>No change reached production in the period, so there is no map to draw.</p>\n");
        }
        else
        {
            html.Append("<ul class=\"figures\">")
                .Append(Figure("Flow time, median", r.MedianFlowSeconds, "flow-median"))
                .Append(Figure("Flow time, mean (the ladder)", r.MeanFlowSeconds, "flow-mean"))
                .Append("<li><span class=\"label\">Flow efficiency</span> <strong data-flow-efficiency=\"")
                .Append(r.FlowEfficiency is { } fe ? Number(fe) : "").Append("\">").Append(r.FlowEfficiency is { } e ? Percent(e) : "n/a").Append("</strong></li>")
                .Append("</ul>\n");
            Map(html, r, index);
            StageTable(html, r);
        }

        Constraint(html, r.Constraint);
        Dora(html, r.Dora);
        Waiting(html, r.WaitingNow);
        html.Append("</section>\n");
    }

    private static void Map(StringBuilder html, ReportRepository r, int index)
    {
        var stages = r.Stages.Where(s => s.Changes > 0).ToList();
        var width = Math.Max(1, stages.Count) * (BoxWidth + Gap) + Gap;
        const int height = 250;
        var constraint = r.Constraint.Constraint?.Stage;
        var description = string.Join("; ", stages.Select(s => $"{Label(s.Name)} ({Kind(s.Kind)}): median {Human(s.MedianSeconds)}, p75 {Human(s.P75Seconds)}, {Percent(s.ShareOfFlowTime)} of flow time"));
        // Drawn at its natural size (readable text) and scrolled sideways on a narrow screen; printing scales it to the page.
        html.Append("<figure>\n<div class=\"scroll\"><svg class=\"vsm\" role=\"img\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
            .Append("\" aria-labelledby=\"vsm-title-").Append(index).Append(" vsm-desc-").Append(index).Append("\">\n<title id=\"vsm-title-").Append(index).Append("\">")
            .Append(E($"Value-stream map of {r.Repository}")).Append("</title>\n<desc id=\"vsm-desc-").Append(index).Append("\">")
            .Append(E($"Stages in path order. {description}. Mean flow time {Human(r.MeanFlowSeconds)} = wait {Human(r.MeanWaitSeconds)} + process {Human(r.MeanProcessSeconds)}.")).Append("</desc>\n");
        var ladderWait = 170;
        var ladderProcess = 205;
        for (var i = 0; i < stages.Count; i++)
        {
            var s = stages[i];
            var x = Gap + i * (BoxWidth + Gap);
            var isConstraint = s.Name == constraint;
            html.Append("<g class=\"stage ").Append(s.Kind == StageKind.Process ? "process" : "wait").Append(isConstraint ? " constraint" : "")
                .Append("\" data-stage=\"").Append(E(s.Name)).Append("\" data-kind=\"").Append(Kind(s.Kind))
                .Append("\" data-median-seconds=\"").Append(s.MedianSeconds is { } m ? Number(m) : "").Append("\" data-share=\"").Append(Number(s.ShareOfFlowTime)).Append("\">\n");
            if (s.Kind == StageKind.Process)
            {
                html.Append("<rect x=\"").Append(x).Append("\" y=\"20\" width=\"").Append(BoxWidth).Append("\" height=\"110\" rx=\"6\"/>\n");
            }
            else
            {
                // The value-stream-mapping symbol for inventory waiting between steps: a triangle.
                html.Append("<path d=\"M").Append(x + BoxWidth / 2).Append(" 20 L").Append(x + BoxWidth).Append(" 130 L").Append(x).Append(" 130 Z\"/>\n");
            }

            var cx = x + BoxWidth / 2;
            Text(html, cx, s.Kind == StageKind.Process ? 48 : 78, "name", Label(s.Name));
            Text(html, cx, s.Kind == StageKind.Process ? 72 : 98, "value", $"median {Human(s.MedianSeconds)}");
            Text(html, cx, s.Kind == StageKind.Process ? 90 : 114, "value", $"p75 {Human(s.P75Seconds)}");
            Text(html, cx, s.Kind == StageKind.Process ? 108 : 126, "value", $"{Percent(s.ShareOfFlowTime)} of flow");
            if (isConstraint)
            {
                Text(html, cx, 148, "flag", "▲ constraint");
            }

            // The lead-time ladder: waits on the upper rung, work on the lower, each step the mean per arrived change.
            var y = s.Kind == StageKind.Wait ? ladderWait : ladderProcess;
            html.Append("<line class=\"ladder\" x1=\"").Append(x).Append("\" y1=\"").Append(y).Append("\" x2=\"").Append(x + BoxWidth + Gap).Append("\" y2=\"").Append(y).Append("\"/>\n");
            if (i + 1 < stages.Count && stages[i + 1].Kind != s.Kind)
            {
                html.Append("<line class=\"ladder\" x1=\"").Append(x + BoxWidth + Gap).Append("\" y1=\"").Append(ladderWait).Append("\" x2=\"").Append(x + BoxWidth + Gap).Append("\" y2=\"").Append(ladderProcess).Append("\"/>\n");
            }

            Text(html, cx, y - 6, "step", Human(s.MeanSecondsPerArrivedChange));
            html.Append("</g>\n");
        }

        Text(html, Gap, 240, "total", $"Mean flow time {Human(r.MeanFlowSeconds)} = wait {Human(r.MeanWaitSeconds)} (upper rung) + process {Human(r.MeanProcessSeconds)} (lower rung)", anchor: "start");
        html.Append("</svg></div>\n<figcaption>Boxes are work (process), triangles are queues (wait), in the order a change travels. ")
            .Append("The ladder beneath adds up to the mean flow time.</figcaption>\n</figure>\n");
    }

    private static void StageTable(StringBuilder html, ReportRepository r)
    {
        html.Append("<table class=\"stages\">\n<caption>Stages of ").Append(E(r.Repository)).Append(" in path order (changes that reached production in the period)</caption>\n")
            .Append("<thead><tr><th scope=\"col\">stage</th><th scope=\"col\">kind</th><th scope=\"col\">changes</th><th scope=\"col\">median</th><th scope=\"col\">p75</th><th scope=\"col\">mean per change</th><th scope=\"col\">share of flow time</th></tr></thead>\n<tbody>\n");
        foreach (var s in r.Stages)
        {
            html.Append("<tr data-stage=\"").Append(E(s.Name)).Append("\"><th scope=\"row\">").Append(E(Label(s.Name))).Append("</th><td>").Append(Kind(s.Kind)).Append("</td><td>")
                .Append(s.Changes.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Human(s.MedianSeconds)).Append("</td><td>").Append(Human(s.P75Seconds))
                .Append("</td><td>").Append(Human(s.MeanSecondsPerArrivedChange)).Append("</td><td>").Append(Percent(s.ShareOfFlowTime)).Append("</td></tr>\n");
        }

        html.Append("<tr class=\"total\"><th scope=\"row\">flow time</th><td>wait + process</td><td>").Append(r.ChangesArrived.ToString(CultureInfo.InvariantCulture))
            .Append("</td><td>").Append(Human(r.MedianFlowSeconds)).Append("</td><td></td><td>").Append(Human(r.MeanFlowSeconds)).Append("</td><td>100 %</td></tr>\n</tbody>\n</table>\n");
    }

    private static void Constraint(StringBuilder html, ConstraintFinding finding)
    {
        html.Append("<h3>The constraint</h3>\n");
        if (finding.Constraint is not { } c)
        {
            html.Append("<p class=\"constraint none\">No constraint named: ").Append(E(finding.NoConstraintReason ?? "")).Append(".</p>\n");
            return;
        }

        html.Append("<p class=\"constraint\" data-constraint=\"").Append(E(c.Stage)).Append("\" data-change-hours=\"").Append(Number(c.ChangeHours)).Append("\">Changes waited longest in <strong>")
            .Append(E(Label(c.Stage))).Append("</strong>: ").Append(Number1(c.ChangeHours)).Append(" change-hours, ").Append(Percent(c.Share)).Append(" of all waiting, over ")
            .Append(c.Changes.ToString(CultureInfo.InvariantCulture)).Append(" change(s); median ").Append(Human(c.MedianSeconds)).Append(", p75 ").Append(Human(c.P75Seconds)).Append('.');
        if (finding.RunnerUp is { } runnerUp)
        {
            html.Append(" Runner-up: ").Append(E(Label(runnerUp.Stage))).Append(" (").Append(Percent(runnerUp.Share)).Append(").");
        }

        var trend = finding.Trend;
        html.Append(trend switch
        {
            { Moved: true } => $" It moved: the previous period's constraint was {E(Label(trend.PreviousStage!))}.",
            { PreviousStage: null } => " The previous period named none.",
            { ShareChange: { } change } => $" Same as the previous period; its share changed by {(change >= 0 ? "+" : "−")}{Math.Abs(change * 100).ToString("0.0", CultureInfo.InvariantCulture)} points.",
            _ => "",
        });
        html.Append("</p>\n<table class=\"waits\">\n<caption>The changes that waited longest in ").Append(E(Label(c.Stage))).Append("</caption>\n<thead><tr><th scope=\"col\">change</th><th scope=\"col\">waited</th></tr></thead>\n<tbody>\n");
        foreach (var wait in finding.LongestWaits)
        {
            html.Append("<tr><td>").Append(ChangeLink(wait.ChangeId, wait.Url)).Append("</td><td data-seconds=\"").Append(Number(wait.Seconds)).Append("\">").Append(Human(wait.Seconds)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Dora(StringBuilder html, DoraReport? dora)
    {
        html.Append("<h3>Delivery performance (DORA)</h3>\n");
        if (dora is null)
        {
            html.Append("<p>No production deployment was read for the period.</p>\n");
            return;
        }

        html.Append("<table class=\"dora\">\n<caption>The five keys over the period</caption>\n<tbody>\n")
            .Append(Row("Deployment frequency", $"{dora.DeploymentsPerDay.ToString("0.##", CultureInfo.InvariantCulture)} per day ({dora.Deployments} successful production deployments)", dora.DeploymentFrequencyBand.ToString()))
            .Append(Row("Lead time for changes", dora.LeadTime.Median is { } lead ? $"median {Human(lead.TotalSeconds)}, p75 {Human(dora.LeadTime.P75?.TotalSeconds)} ({dora.LeadTime.Count} changes)" : "n/a", dora.LeadTimeBand?.ToString() ?? ""))
            .Append(Row("Change failure rate", dora.ChangeFailureRate is { } cfr ? $"{Percent(cfr)} ({dora.FailedDeployments} failed)" : "n/a", ""))
            .Append(Row("Failed deployment recovery time", dora.RecoveryTime.Median is { } rec ? $"median {Human(rec.TotalSeconds)} ({dora.RecoveryTime.Count})" : "n/a", ""))
            .Append(Row("Rework rate", dora.ReworkRate is { } rw ? $"{Percent(rw)} ({dora.ReworkDeployments} deployments)" : "n/a", ""))
            .Append("</tbody>\n</table>\n");
    }

    private static void Waiting(StringBuilder html, IReadOnlyList<ReportWaitingRow> queues)
    {
        html.Append("<h3>Waiting now</h3>\n");
        if (queues.Count == 0)
        {
            html.Append("<p>Nothing is waiting.</p>\n");
            return;
        }

        html.Append("<table class=\"queues\">\n<caption>Changes waiting in each queue when the report was made</caption>\n<thead><tr><th scope=\"col\">queue</th><th scope=\"col\">changes</th><th scope=\"col\">oldest</th><th scope=\"col\">waiting for</th></tr></thead>\n<tbody>\n");
        foreach (var q in queues)
        {
            html.Append("<tr data-stage=\"").Append(E(q.Stage)).Append("\"><th scope=\"row\">").Append(E(Label(q.Stage))).Append("</th><td>").Append(q.Count.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(ChangeLink(q.OldestChangeId, q.OldestChangeUrl)).Append("</td><td>").Append(Human(q.OldestAgeSeconds)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string Row(string key, string value, string band) =>
        $"<tr><th scope=\"row\">{E(key)}</th><td>{E(value)}</td><td>{(band.Length == 0 ? "" : E(band.ToLowerInvariant()))}</td></tr>\n";

    private static string Figure(string label, double? seconds, string name) =>
        $"<li><span class=\"label\">{E(label)}</span> <strong data-{name}-seconds=\"{(seconds is { } s ? Number(s) : "")}\">{Human(seconds)}</strong></li>";

    // A link the reader opens in their browser; rel=noreferrer because the page may be opened from mail.
    private static string ChangeLink(string id, string? url) =>
        url is { Length: > 0 } && (url.StartsWith("https://", StringComparison.Ordinal) || url.StartsWith("http://", StringComparison.Ordinal))
            ? $"<a href=\"{E(url)}\" rel=\"noreferrer\">{E(id)}</a>"
            : E(id);

    private static void Text(StringBuilder html, int x, int y, string cssClass, string text, string anchor = "middle") =>
        html.Append("<text x=\"").Append(x).Append("\" y=\"").Append(y).Append("\" class=\"").Append(cssClass).Append("\" text-anchor=\"").Append(anchor).Append("\">").Append(E(text)).Append("</text>\n");

    /// <summary><c>promotion_wait:prod-eu</c> → "promotion wait: prod-eu"; <c>ci_queue</c> → "ci queue".</summary>
    private static string Label(string stage) => stage.Replace('_', ' ').Replace(":", ": ", StringComparison.Ordinal);

    private static string Kind(StageKind kind) => kind == StageKind.Process ? "process" : "wait";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number1(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Durations as a person reads them: 45s, 12m, 3h05m, 2d04h; "—" when there is none.</summary>
    private static string Human(double? seconds) => seconds is { } s ? Collection.HumanDuration.Of(s) : "—";

    private const string HowToRead =
        """
        <section class="how"><h2>How to read this</h2>
        <p>Every change that reached production in the period is followed from its first commit (or the work item it
        closes) to production. Its time is split into <strong>stages</strong> that follow each other without gaps:
        <span class="chip process">work</span> (coding, review, CI, deploying) and <span class="chip wait">queues</span>
        (waiting for a reviewer, to be merged, for CI, for a release). The map shows each repository's own path in the
        order changes travel it. The <strong>constraint</strong> is the queue holding the most change-hours: shortening any
        other stage does not make changes arrive sooner. <strong>Flow efficiency</strong> is the share of the flow time
        that was work.</p></section>

        """;

    private const string Definitions =
        """
        <section class="definitions"><h2>Definitions</h2>
        <dl>
        <dt>Flow time</dt><dd>Start of the first stage (first commit, or the linked work item's creation) to the first successful production deployment; the sum of every stage.</dd>
        <dt>Lead time for changes</dt><dd>First commit to the first successful production deployment (DORA).</dd>
        <dt>Median, p75</dt><dd>Half of the changes took less than the median, three quarters less than the p75 (nearest rank).</dd>
        <dt>Share of flow time</dt><dd>Time all changes spent in the stage over their total flow time.</dd>
        <dt>Change-hours</dt><dd>The sum of the hours every change waited in a queue.</dd>
        <dt>Constraint</dt><dd>The queue (backlog aside) with the most change-hours among changes that reached production; named from 5 changes; ties go to the larger median, then the stage upstream.</dd>
        <dt>DORA bands</dt><dd>Elite, high, medium, low, as published in the DORA reports.</dd>
        </dl>
        <p>Full definitions: the project's documentation, docs/metrics.md.</p></section>

        """;

    private const string Css =
        """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; } h3 { font-size: 1.05rem; margin-top: 1.4rem; }
        .meta, .path, figcaption { color: #444; }
        .figures { list-style: none; padding: 0; display: flex; gap: 2rem; flex-wrap: wrap; } .figures .label { color: #444; }
        .scroll { overflow-x: auto; } svg.vsm { display: block; }
        .stage.process rect { fill: #1f5fa8; } .stage.process text.name, .stage.process text.value { fill: #fff; }
        .stage.wait path { fill: #f2b134; } .stage.wait text.name, .stage.wait text.value { fill: #1a1a1a; }
        .stage.constraint rect, .stage.constraint path { stroke: #b3261e; stroke-width: 4; }
        text { font-size: 11px; } text.name { font-weight: 600; font-size: 12px; } text.flag { fill: #b3261e; font-weight: 700; } text.step { fill: #1a1a1a; } text.total { font-size: 12px; fill: #1a1a1a; }
        line.ladder { stroke: #1a1a1a; stroke-width: 2; }
        table { border-collapse: collapse; margin: .6rem 0 1rem; } caption { text-align: left; font-weight: 600; padding: .3rem 0; }
        th, td { border: 1px solid #bbb; padding: .25rem .6rem; text-align: left; } td { font-variant-numeric: tabular-nums; } tr.total th, tr.total td { font-weight: 600; }
        .chip { padding: 0 .35rem; border-radius: 3px; } .chip.process { background: #1f5fa8; color: #fff; } .chip.wait { background: #f2b134; color: #1a1a1a; }
        .constraint strong { color: #b3261e; }
        a { color: #0b57a4; }
        @media print { body { margin: 0; max-width: none; } .scroll { overflow: visible; } svg.vsm { width: 100%; height: auto; } section.repo { break-inside: avoid-page; } a { color: #1a1a1a; } }

        """;
}
