using System.Text.RegularExpressions;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;

namespace FlowCollector.Worker.Hosting;

/// <summary>
/// The resilience library validates its options under the pipeline's name (<c>github-standard.AttemptTimeout.Timeout</c>),
/// which appears nowhere in the configuration; this rewrites such a message to the key the user sets
/// (<c>Sources:GitHub:Resilience:AttemptTimeout:Timeout</c>).
/// </summary>
internal static partial class ResilienceOptionErrors
{
    private static readonly Dictionary<string, string> SectionsByClient = new(StringComparer.Ordinal)
    {
        [GitHubSourceServiceCollectionExtensions.HttpClientName] = GitHubSourceOptions.ResilienceSectionName,
        [AzureDevOpsSourceServiceCollectionExtensions.HttpClientName] = AzureDevOpsSourceOptions.ResilienceSectionName,
        [InfluxDbSink.HttpClientName] = InfluxDbSinkOptions.ResilienceSectionName,
    };

    public static string Rewrite(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var field = FieldPattern().Match(message);
        if (field.Success && SectionsByClient.TryGetValue(field.Groups["client"].Value, out var section))
        {
            return $"{section}:{field.Groups["path"].Value.Replace('.', ':')} {field.Groups["rest"].Value}";
        }

        if (message.StartsWith("Total request timeout resilience strategy must have a greater timeout", StringComparison.Ordinal))
        {
            return message + " Set Resilience:TotalRequestTimeout:Timeout above Resilience:AttemptTimeout:Timeout under "
                + string.Join(", ", SectionsByClient.Values.Select(s => s[..s.LastIndexOf(':')])) + " (whichever you configured).";
        }

        return message;
    }

    // "Timeout: The field github-standard.AttemptTimeout.Timeout must be between 00:00:00.0100000 and 1.00:00:00."
    [GeneratedRegex(@"^(?:\w+: )?The field (?<client>[\w.\-]+?)-standard\.(?<path>[\w.]+) (?<rest>.*)$", RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex FieldPattern();
}
