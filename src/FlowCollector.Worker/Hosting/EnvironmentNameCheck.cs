using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Worker.Collection;

namespace FlowCollector.Worker.Hosting;

/// <summary>
/// Environment names are written in three places that must agree: the value stream's paths (<c>ValueStream:Environments</c>,
/// <c>ProductionEnvironments</c>, the same under <c>ValueStream:Streams:N</c>), Azure DevOps' <c>StageEnvironments</c>, and
/// GitHub's <c>FallbackEnvironment</c>. A name the sources report that no configured path holds is read and then measured
/// by no <c>deploy:*</c> stage, silently. A warning rather than an error: an environment off the path (a test stage) can be
/// deliberate, and where paths are learnt (nothing configured) every environment counts, so there is nothing to check.
/// </summary>
internal static class EnvironmentNameCheck
{
    public static IReadOnlyList<string> Warnings(ValueStreamOptions valueStream, AzureDevOpsSourceOptions? azureDevOps, GitHubSourceOptions? gitHub)
    {
        ArgumentNullException.ThrowIfNull(valueStream);
        var known = valueStream.Environments.Concat(valueStream.ProductionEnvironments)
            .Concat(valueStream.Streams.SelectMany(s => s.Environments.Concat(s.ProductionEnvironments)))
            .Where(e => !string.IsNullOrWhiteSpace(e))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (known.Count == 0)
        {
            return [];
        }

        var named = (azureDevOps?.StageEnvironments ?? [])
            .OrderBy(s => s.Key, StringComparer.OrdinalIgnoreCase)
            .Select(s => (Key: $"{AzureDevOpsSourceOptions.SectionName}:StageEnvironments:{s.Key}", Environment: s.Value))
            .Concat(gitHub is null ? [] : [(Key: $"{GitHubSourceOptions.SectionName}:FallbackEnvironment", Environment: gitHub.FallbackEnvironment)]);
        return [.. named
            .Where(n => !string.IsNullOrWhiteSpace(n.Environment) && !known.Contains(n.Environment, StringComparer.OrdinalIgnoreCase))
            .Select(n => $"{n.Key} is '{n.Environment}', which is on no configured environment path ({string.Join(", ", known)}): its deployments are read but no deploy stage measures them; " +
                (Nearest(n.Environment, known) is { } nearest ? $"did you mean '{nearest}'?" : "add it to ValueStream:Environments (or the stream's Environments) or correct the name."))];
    }

    private static string? Nearest(string name, List<string> known) =>
        known.Select(k => (Name: k, Distance: EditDistance.Between(name.ToUpperInvariant(), k.ToUpperInvariant())))
            .Where(k => k.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(k => k.Distance)
            .Select(k => k.Name)
            .FirstOrDefault();
}
