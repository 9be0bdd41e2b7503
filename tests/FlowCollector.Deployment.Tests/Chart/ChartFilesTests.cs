using System.Diagnostics;
using FlowCollector.Deployment.Tests.Helm;

namespace FlowCollector.Deployment.Tests.Chart;

/// <summary>
/// The chart folder is self-contained: the Grafana boards and alert rules are generated copies of grafana/
/// (build/sync-chart-files.sh), not symlinks out of the chart, so a chart copied on its own (a GitOps repository,
/// <c>helm package</c>) renders everything.
/// </summary>
public sealed class ChartFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("flowcollector-chart-copy-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Nothing_in_the_chart_is_a_symlink()
    {
        var links = Directory.EnumerateFileSystemEntries(RepositoryPaths.Chart, "*", SearchOption.AllDirectories)
            .Where(p => new FileInfo(p).LinkTarget is not null)
            .ToList();

        Assert.True(links.Count == 0, $"symlinks in the chart (a copied chart would lose them): {string.Join(", ", links)}");
    }

    [Theory]
    [InlineData("grafana/dashboards", "files/dashboards", "*.json")]
    [InlineData("grafana/provisioning/alerting", "files/alerting", "flowcollector-alert-rules.yaml")]
    public void The_chart_files_are_byte_for_byte_copies_of_grafana(string source, string copy, string pattern)
    {
        var sources = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, source), pattern).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var copies = Directory.GetFiles(Path.Combine(RepositoryPaths.Chart, copy)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(sources);
        Assert.True(sources.SequenceEqual(copies), $"{copy} holds [{string.Join(", ", copies)}], {source} [{string.Join(", ", sources)}]: run build/sync-chart-files.sh");
        foreach (var name in sources)
        {
            var expected = File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, source, name!));
            var actual = File.ReadAllBytes(Path.Combine(RepositoryPaths.Chart, copy, name!));
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{copy}/{name} differs from {source}/{name}: run build/sync-chart-files.sh");
        }
    }

    /// <summary>
    /// The chart as the release workflow publishes it: build/set-chart-release.sh writes the pushed image into a copy's
    /// values.yaml, which then renders and lints with no values at all; the source values.yaml alone refuses.
    /// </summary>
    [Fact]
    public async Task The_published_chart_renders_with_its_defaults_and_the_source_chart_refuses_without_an_image()
    {
        var copy = Path.Combine(directory, "published");
        await RunAsync("cp", "-r", RepositoryPaths.Chart, copy);
        await RunAsync(Path.Combine(RepositoryPaths.Root, "build", "set-chart-release.sh"), copy, "ghcr.io/contoso/flowcollector", "https://github.com/contoso/flowcollector", "v0.1.0");

        var published = await HelmCli.RunAsync("template", HelmCli.ReleaseName, copy, "--namespace", "flow");
        var lint = await HelmCli.RunAsync("lint", "--strict", copy);
        var source = await HelmCli.RunAsync("template", HelmCli.ReleaseName, RepositoryPaths.Chart, "--namespace", "flow");

        Assert.True(published.Succeeded, published.ToString());
        Assert.True(lint.Succeeded, lint.ToString());
        Assert.Equal($"ghcr.io/contoso/flowcollector:{ChartVersion("appVersion")}", (string?)RenderedChart.Parse(published.Stdout).CollectorContainer()["image"]);
        var chartYaml = await File.ReadAllTextAsync(Path.Combine(copy, "Chart.yaml"), TestContext.Current.CancellationToken);
        Assert.Contains("home: https://github.com/contoso/flowcollector\n", chartYaml, StringComparison.Ordinal);
        Assert.Contains("icon: https://raw.githubusercontent.com/contoso/flowcollector/v0.1.0/docs/assets/flowcollector.svg\n", chartYaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "docs", "assets", "flowcollector.svg")), "the icon the published Chart.yaml points at");
        Assert.False(source.Succeeded, "the source chart rendered without image.repository");
        Assert.Contains("/image/repository", source.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The chart copied with <c>cp -r</c> alone (as into a GitOps repository) renders and lints, boards included.</summary>
    [Fact]
    public async Task The_chart_copied_on_its_own_renders_and_lints()
    {
        var copy = Path.Combine(directory, "flowcollector");
        await RunAsync("cp", "-r", RepositoryPaths.Chart, copy);

        var values = RepositoryPaths.CiValues("grafana-values.yaml");
        var template = await HelmCli.RunAsync("template", HelmCli.ReleaseName, copy, "--namespace", "flow", "--values", values);
        var lint = await HelmCli.RunAsync("lint", "--strict", copy, "--values", values);

        Assert.True(template.Succeeded, template.ToString());
        Assert.True(lint.Succeeded, lint.ToString());
        var chart = RenderedChart.Parse(template.Stdout);
        Assert.Equal(4, chart.OfKind("ConfigMap").Count(c => (string?)c["metadata"]!["labels"]?["grafana_dashboard"] == "1"));
        Assert.Single(chart.OfKind("ConfigMap"), c => (string?)c["metadata"]!["labels"]?["grafana_alert"] == "1");
    }

    private static string ChartVersion(string field) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Chart, "Chart.yaml")).Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim().Trim('"');

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}: {stderr}");
    }
}
