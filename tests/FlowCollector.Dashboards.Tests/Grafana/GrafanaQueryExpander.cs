using System.Globalization;
using System.Text.RegularExpressions;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>A dashboard variable's state when a query is interpolated.</summary>
/// <param name="Name">The variable's name (<c>repo</c> for <c>$repo</c>).</param>
/// <param name="Values">The selected values (for "All": every option, as Grafana expands it without a custom all value).</param>
/// <param name="MultiOrAll">The variable allows several values or "All": Grafana's InfluxDB data source then regex-escapes its values.</param>
public sealed record VariableValue(string Name, IReadOnlyList<string> Values, bool MultiOrAll)
{
    /// <summary>The variable's custom "All" value (<c>allValue</c>) when "All" is selected: Grafana sends it as it is, unescaped.</summary>
    public string? AllValue { get; init; }
}

/// <summary>
/// Interpolates an InfluxQL query the way Grafana does before sending it: template variables as the InfluxDB data
/// source formats them (<c>interpolateQueryExpr</c>: values of multi-value / "All" variables regex-escaped, several
/// joined as <c>(a|b)</c>; <c>${var:regex}</c>, <c>${var:raw}</c>, <c>${var}</c>, <c>[[var]]</c>) and the time macros
/// of the InfluxQL backend (<c>$timeFilter</c> → <c>time &gt;= {from}ms and time &lt;= {to}ms</c>, <c>$__interval</c>,
/// <c>$interval</c>, <c>$__interval_ms</c>) plus the global range variables (<c>$__range_s</c>, <c>$__range_ms</c>,
/// <c>$__from</c>, <c>$__to</c>). <c>$__timeFilter</c> is accepted as a synonym of <c>$timeFilter</c>.
/// </summary>
public sealed partial class GrafanaQueryExpander
{
    /// <summary>Grafana's default maximum data points when a panel's width is not known.</summary>
    public const int DefaultMaxDataPoints = 1000;

    private static readonly TimeSpan[] IntervalLadder =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30),
    ];

    private readonly Dictionary<string, VariableValue> variables;

    public GrafanaQueryExpander(DateTimeOffset from, DateTimeOffset to, IEnumerable<VariableValue>? variables = null)
    {
        if (to <= from)
        {
            throw new ArgumentException($"The time range must end after it starts ({from:O} .. {to:O}).", nameof(to));
        }

        From = from;
        To = to;
        this.variables = (variables ?? []).ToDictionary(v => v.Name, StringComparer.Ordinal);
    }

    public DateTimeOffset From { get; }

    public DateTimeOffset To { get; }

    /// <summary>A copy with <paramref name="variable"/> set (e.g. the single value of a repeated panel).</summary>
    public GrafanaQueryExpander With(VariableValue variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var all = variables.Values.Where(v => v.Name != variable.Name).Append(variable);
        return new GrafanaQueryExpander(From, To, all);
    }

    /// <summary>
    /// The interval Grafana computes for a panel: range / max data points rounded up to a "nice" step, but never below
    /// the panel's minimum interval (<c>interval</c>, e.g. <c>1d</c>).
    /// </summary>
    public TimeSpan Interval(string? minimum, int maxDataPoints = DefaultMaxDataPoints)
    {
        var raw = (To - From) / maxDataPoints;
        var rounded = IntervalLadder.FirstOrDefault(step => step >= raw, IntervalLadder[^1]);
        return minimum is { Length: > 0 } && ParseDuration(minimum) is var min && min > rounded ? min : rounded;
    }

    /// <summary>Interpolates <paramref name="query"/>; <paramref name="interval"/> defaults to <see cref="Interval"/> without a minimum.</summary>
    public string Expand(string query, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var step = interval ?? Interval(null);
        var fromMs = From.ToUnixTimeMilliseconds();
        var toMs = To.ToUnixTimeMilliseconds();
        var timeFilter = $"time >= {fromMs.ToString(CultureInfo.InvariantCulture)}ms and time <= {toMs.ToString(CultureInfo.InvariantCulture)}ms";
        var text = query
            .Replace("$__timeFilter", timeFilter, StringComparison.Ordinal)
            .Replace("$timeFilter", timeFilter, StringComparison.Ordinal)
            .Replace("$__interval_ms", ((long)step.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", FormatDuration(step), StringComparison.Ordinal)
            .Replace("$interval", FormatDuration(step), StringComparison.Ordinal)
            .Replace("$__range_s", ((long)(To - From).TotalSeconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__range_ms", ((long)(To - From).TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__range", FormatDuration(To - From), StringComparison.Ordinal)
            .Replace("${__from}", fromMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${__to}", toMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__from", fromMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__to", toMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        text = VariablePattern().Replace(text, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value
                : match.Groups["bracket"].Success ? match.Groups["bracket"].Value
                : match.Groups["plain"].Value;
            var format = match.Groups["format"].Success ? match.Groups["format"].Value : null;
            return variables.TryGetValue(name, out var variable) ? Format(variable, format) : match.Value;
        });
        var left = LeftoverPattern().Match(text);
        return left.Success
            ? throw new InvalidOperationException($"The query uses '{left.Value}', which is neither a known variable nor a Grafana macro: {query}")
            : text;
    }

    /// <summary>Grafana's <c>escapeRegex</c>: a backslash before every regex metacharacter and the slash.</summary>
    public static string EscapeRegex(string value) => RegexMeta().Replace(value, @"\$0");

    /// <summary>Parses Grafana's short durations: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>7d</c>, <c>1w</c>.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var match = DurationPattern().Match(text ?? "");
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a Grafana duration such as 30s, 5m, 1h or 1d.");
        }

        var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => TimeSpan.FromDays(7 * amount),
        };
    }

    /// <summary>Grafana's <c>gtime.FormatInterval</c>: the largest whole unit (<c>1d</c>, <c>3h</c>, <c>5m</c>, <c>10s</c>, <c>500ms</c>).</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return ms switch
        {
            _ when ms >= 86_400_000 && ms % 86_400_000 == 0 => $"{ms / 86_400_000}d",
            _ when ms >= 3_600_000 && ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
            _ when ms >= 60_000 && ms % 60_000 == 0 => $"{ms / 60_000}m",
            _ when ms >= 1_000 && ms % 1_000 == 0 => $"{ms / 1_000}s",
            _ => $"{ms}ms",
        };
    }

    private static string Format(VariableValue variable, string? format)
    {
        if (variable.AllValue is not null)
        {
            return variable.AllValue;
        }

        switch (format)
        {
            case "raw":
                return string.Join(',', variable.Values);
            case "regex":
                var escaped = variable.Values.Select(EscapeRegex).ToList();
                return escaped.Count == 1 ? escaped[0] : $"({string.Join('|', escaped)})";
            case null:
                // The InfluxDB data source's interpolateQueryExpr.
                if (!variable.MultiOrAll)
                {
                    return string.Join(',', variable.Values);
                }

                var values = variable.Values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? v : EscapeRegex(v)).ToList();
                return values.Count == 1 ? values[0] : $"({string.Join('|', values)})";
            default:
                throw new InvalidOperationException($"Variable format '{format}' of ${{{variable.Name}}} is not supported here (raw, regex or none).");
        }
    }

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::(?<format>\w+))?\}|\[\[(?<bracket>\w+)\]\]|\$(?<plain>[A-Za-z]\w*)")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"\$\{?[A-Za-z_]\w*(?::\w+)?\}?|\[\[\w+\]\]")]
    private static partial Regex LeftoverPattern();

    [GeneratedRegex(@"[\\^$*+?.()|\[\]{}/]")]
    private static partial Regex RegexMeta();

    [GeneratedRegex(@"^(\d+)(ms|s|m|h|d|w)$")]
    private static partial Regex DurationPattern();
}
