namespace FlowCollector.Deployment.Tests.Helm;

/// <summary>Paths in the repository the tests run from: helm lints and renders the chart in place, not a copy.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Chart { get; } = Path.Combine(Root, "helm", "flowcollector");

    public static string ChartValues { get; } = Path.Combine(Chart, "values.yaml");

    public static string ChartSchema { get; } = Path.Combine(Chart, "values.schema.json");

    /// <summary>The example values files (chart-testing's <c>ci/*-values.yaml</c>), by file name.</summary>
    public static IReadOnlyList<string> CiValuesFiles { get; } =
        [.. Directory.GetFiles(Path.Combine(Chart, "ci"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public static string CiValues(string fileName) => Path.Combine(Chart, "ci", fileName);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlowCollector.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FlowCollector.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }
}
