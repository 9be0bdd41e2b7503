using System.Globalization;
using System.Text.Json;
using FlowCollector.Domain.Events;
using FlowCollector.Domain.Statistics;
using FlowCollector.Domain.ValueStream;
using FlowCollector.Testing.Servers;
using FlowCollector.Worker.Reporting;
using PuppeteerSharp;

namespace FlowCollector.Worker.Tests.Reporting;

/// <summary>
/// The report opened in a real headless Chromium (Debian's <c>chromium</c>, driven by PuppeteerSharp; no browser is
/// downloaded): it loads nothing, logs no error, shows each repository's stages in its own path order with the engine's
/// numbers, passes basic accessibility checks, prints, and stays small. A screenshot is kept next to the test binary.
/// </summary>
public sealed class ReportInChromiumTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly DateTimeOffset Monday = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_report_of_1000_changes_opens_offline_with_the_engines_numbers_in_path_order()
    {
        var executable = RequiredBinary.Find(Chromium, "chromium");
        var web = new RepositoryRef("github", "contoso", "web");
        var erp = new RepositoryRef("azuredevops", "fabrikam", "erp");
        var webStream = ValueStreamDefinition.Default(["staging", "production"]);
        var erpStream = ValueStreamDefinition.Default(["QA", "PROD"]);
        var webFlow = Generate(web, webStream, seed: 7);
        var erpFlow = Generate(erp, erpStream, seed: 11);
        var (from, to, now) = (Monday, Monday.AddDays(28), Monday.AddDays(28));
        var inputs = new[]
        {
            new ReportRepositoryInput(web, webStream, webFlow.MergedTimelines(), null, webFlow.WaitingNow(now)),
            new ReportRepositoryInput(erp, erpStream, erpFlow.MergedTimelines(), null, erpFlow.WaitingNow(now)),
        };
        var html = ReportHtml.Render(ValueStreamReport.Build("contoso and fabrikam", from, to, now, inputs));
        var folder = Directory.CreateTempSubdirectory("flowcollector-report-");
        var file = Path.Combine(folder.FullName, "report.html");
        await File.WriteAllTextAsync(file, html, TestContext.Current.CancellationToken);

        // 1,000 changes in two repositories: the page stays well under 1 MB.
        Assert.Equal(1000, inputs.Sum(i => i.Timelines.Count));
        Assert.InRange(new FileInfo(file).Length, 1, 1_000_000);

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        var requests = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add(e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add(e.Message);
        page.Request += (_, e) => requests.Add(e.Request.Url);
        var uri = new Uri(file).AbsoluteUri;
        await page.GoToAsync(uri, WaitUntilNavigation.Load);

        Assert.Empty(errors);
        Assert.Equal([uri], requests); // the page itself, nothing else: no script, font, image or style sheet

        foreach (var (input, stream) in new[] { (inputs[0], webStream), (inputs[1], erpStream) })
        {
            var section = $"section[data-repository=\"{input.Repository.FullName}\"]";
            var arrived = input.Timelines.Where(t => t.Arrived >= from && t.Arrived < to).ToList();
            var expectedStages = stream.Stages.Select(s => s.Name).Where(name => arrived.Any(t => Counted(t, name) is not null)).ToList();

            // The map's stages, left to right, are the repository's own path order.
            var shown = await page.EvaluateFunctionAsync<string[]>($"() => [...document.querySelectorAll('{section} svg g.stage')].map(g => g.dataset.stage)");
            Assert.Equal(expectedStages, shown);
            Assert.Contains(input.Repository == web ? "deploy:staging" : "deploy:QA", shown);

            // Each stage's median is the engine's: the timelines' spans, cut at the arrival, nearest rank.
            var medians = await page.EvaluateFunctionAsync<Dictionary<string, string>>(
                $"() => Object.fromEntries([...document.querySelectorAll('{section} svg g.stage')].map(g => [g.dataset.stage, g.dataset.medianSeconds]))");
            foreach (var stage in expectedStages)
            {
                var seconds = arrived.Select(t => Counted(t, stage)).OfType<double>().Order().ToList();
                Assert.Equal(Percentile.NearestRank(seconds, 50)!.Value, double.Parse(medians[stage], CultureInfo.InvariantCulture));
            }

            // Flow efficiency and the constraint, as the engine computes them.
            var efficiency = await page.EvaluateFunctionAsync<string>($"() => document.querySelector('{section} [data-flow-efficiency]').dataset.flowEfficiency");
            Assert.Equal(arrived.Sum(t => t.ProcessTime.TotalSeconds) / arrived.Sum(t => t.FlowTime.TotalSeconds), double.Parse(efficiency, CultureInfo.InvariantCulture), 12);
            var constraint = ConstraintAnalysis.Find(input.Timelines.Select(ArrivedChangeWaits.From).OfType<ArrivedChangeWaits>(), from, to, [.. stream.Stages.Select(s => s.Name)]);
            var named = await page.EvaluateFunctionAsync<string>($"() => document.querySelector('{section} [data-constraint]').dataset.constraint");
            Assert.Equal(constraint.Constraint!.Stage, named);
            var longest = await page.EvaluateFunctionAsync<string[]>($"() => [...document.querySelectorAll('{section} table.waits a')].map(a => a.textContent)");
            Assert.Equal(constraint.LongestWaits.Select(w => w.ChangeId), longest);
        }

        // Accessibility basics: a language, every map named and described, every table captioned, text readable on its fill.
        var checks = await page.EvaluateFunctionAsync<JsonElement>(
            """
            () => {
              const svgs = [...document.querySelectorAll('svg')];
              const named = svgs.every(s => s.getAttribute('role') === 'img' && (s.getAttribute('aria-labelledby') || '').split(' ').every(id => document.getElementById(id)?.textContent.length > 10));
              const tables = [...document.querySelectorAll('table')].every(t => t.querySelector('caption')?.textContent.trim().length > 0);
              const rgb = c => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
              const lum = c => { const [r, g, b] = rgb(c); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
              const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
              const contrasts = [...document.querySelectorAll('g.stage')].map(g => {
                const shape = g.querySelector('rect, path');
                const text = g.querySelector('text.name');
                return ratio(getComputedStyle(text).fill, getComputedStyle(shape).fill);
              });
              return { lang: document.documentElement.lang, named, tables, minContrast: Math.min(...contrasts), svgs: svgs.length };
            }
            """);
        Assert.Equal("en", checks.GetProperty("lang").GetString());
        Assert.True(checks.GetProperty("named").GetBoolean(), "every SVG has role=img and a title and description");
        Assert.True(checks.GetProperty("tables").GetBoolean(), "every table has a caption");
        Assert.Equal(2, checks.GetProperty("svgs").GetInt32());
        Assert.True(checks.GetProperty("minContrast").GetDouble() >= 4.5, $"stage labels contrast {checks.GetProperty("minContrast").GetDouble():0.00}:1 < 4.5:1");

        // It prints, and a screenshot is kept as the test's artifact.
        var pdf = await page.PdfDataAsync(new PdfOptions { PrintBackground = true });
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults"));
        await page.ScreenshotAsync(Path.Combine(artifacts.FullName, "report.png"), new ScreenshotOptions { FullPage = true });
        await File.WriteAllTextAsync(Path.Combine(artifacts.FullName, "report.html"), html, TestContext.Current.CancellationToken);
        Assert.True(new FileInfo(Path.Combine(artifacts.FullName, "report.png")).Length > 10_000);
        folder.Delete(recursive: true);
    }

    /// <summary>The change's time in a stage up to its arrival, or null when it never was in it (the engine's own spans).</summary>
    private static double? Counted(ChangeTimeline t, string stage)
    {
        var arrival = t.Arrived!.Value;
        var spans = t.Spans.Where(s => s.Stage.Name == stage && s.Start <= arrival).ToList();
        return spans.Count == 0 ? null : spans.Sum(s => Math.Max(0, ((s.End < arrival ? s.End : arrival) - s.Start).TotalSeconds));
    }

    /// <summary>500 delivered changes, one every hour from Monday, with seeded durations; each deployed through the path.</summary>
    private static RepositoryFlow Generate(RepositoryRef repository, ValueStreamDefinition stream, int seed)
    {
        var random = new Random(seed);
        var changes = new ReportChanges(repository, Monday);
        for (var i = 1; i <= 500; i++)
        {
            var commit = i * 60.0;
            var opened = commit + random.Next(10, 240);
            var approved = opened + random.Next(5, 600);
            var merged = approved + random.Next(1, 120);
            var ciStarted = merged + random.Next(1, 30);
            var ciFinished = ciStarted + random.Next(5, 40);
            var first = ciFinished + random.Next(5, 300);
            var second = first + 10 + random.Next(5, 900);
            changes.Change(
                i.ToString(CultureInfo.InvariantCulture), commit, opened, approved, merged, ciStarted, ciFinished,
                (stream.EnvironmentPath[0], first, first + 10), (stream.EnvironmentPath[1], second, second + 10));
        }

        return changes.Flow(stream);
    }
}
