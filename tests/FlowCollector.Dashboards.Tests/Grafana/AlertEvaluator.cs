using System.Globalization;
using System.Text.Json.Nodes;
using FlowCollector.Testing.Servers;

namespace FlowCollector.Dashboards.Tests.Grafana;

/// <summary>A labelled number, the result of a reduce, math or threshold expression (NaN when there is no value).</summary>
public sealed record AlertNumber(IReadOnlyDictionary<string, string> Labels, double Value)
{
    public override string ToString() =>
        $"{{{string.Join(", ", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))}}} = {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>What one evaluation of a rule gave: the instances of its condition (labels, value) and the resulting state.</summary>
public sealed record AlertEvaluation(string State, IReadOnlyList<AlertNumber> Condition, IReadOnlyDictionary<string, IReadOnlyList<AlertNumber>> Numbers)
{
    public const string Normal = "Normal";
    public const string Alerting = "Alerting";
    public const string NoData = "NoData";

    /// <summary>
    /// The condition's instances that fire (non-zero, not NaN); for a rule alerting on no data (<c>noDataState:
    /// Alerting</c>), the one instance Grafana raises then, without labels from the data.
    /// </summary>
    public IReadOnlyList<AlertNumber> Firing => State == Alerting && Condition.Count == 0
        ? [new AlertNumber(new Dictionary<string, string>(StringComparer.Ordinal), double.NaN)]
        : Condition.Where(n => n.Value != 0 && !double.IsNaN(n.Value)).ToList();

    public override string ToString() => $"{State}: {string.Join("; ", Numbers.Select(kv => $"{kv.Key}: [{string.Join(", ", kv.Value)}]"))}";
}

/// <summary>
/// Evaluates a Grafana-managed alert rule once, as Grafana's alerting does at one tick: each data-source query with its
/// relative time range (<c>$timeFilter</c> from now − from to now − to), then the server-side expressions in order —
/// reduce (reducer over each series; mode strict, dropNN or replaceNN), math (<see cref="AlertMath"/>, Grafana's label
/// union) and threshold (gt, lt, within_range, outside_range → 1 or 0) — and the condition: an instance fires when its
/// value is non-zero. A condition without any number is NoData, mapped by the rule's <c>noDataState</c>. The rule's
/// <c>for</c> (pending period) spans several ticks and is not part of one evaluation.
/// </summary>
public static class AlertEvaluator
{
    public static async Task<AlertEvaluation> EvaluateAsync(AlertRule rule, InfluxDbServer influx, string database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var series = new Dictionary<string, IReadOnlyList<InfluxFrame>>(StringComparer.Ordinal);
        var numbers = new Dictionary<string, IReadOnlyList<AlertNumber>>(StringComparer.Ordinal);
        foreach (var query in rule.Data)
        {
            if (!query.IsExpression)
            {
                var expander = new GrafanaQueryExpander(now.AddSeconds(-query.FromSeconds), now.AddSeconds(-query.ToSeconds));
                var interval = TimeSpan.FromMilliseconds(double.Parse(query.Model["intervalMs"]?.ToString() ?? "1000", CultureInfo.InvariantCulture));
                series[query.RefId] = await InfluxFrame.QueryAsync(influx, database, expander.Expand(query.Query, interval), cancellationToken);
                continue;
            }

            var expression = (string?)query.Model["expression"] ?? throw new InvalidDataException($"{rule.Uid}/{query.RefId}: no expression.");
            numbers[query.RefId] = query.ExpressionType switch
            {
                "reduce" => Reduce(
                    series.TryGetValue(expression, out var input) ? input : throw new InvalidDataException($"{rule.Uid}/{query.RefId}: reduce needs a query, {expression} is not one."),
                    (string?)query.Model["reducer"] ?? "last",
                    (string?)query.Model["settings"]?["mode"] ?? "",
                    query.Model["settings"]?["replaceWithValue"] is { } replace ? double.Parse(replace.ToString(), CultureInfo.InvariantCulture) : 0),
                "math" => AlertMath.Evaluate(expression, numbers),
                "threshold" => Threshold(numbers[expression.TrimStart('$')], query.Model["conditions"]![0]!["evaluator"]!.AsObject()),
                var other => throw new NotSupportedException($"{rule.Uid}/{query.RefId}: expression type '{other}' is not evaluated here (reduce, math, threshold)."),
            };
        }

        var condition = numbers.TryGetValue(rule.Condition, out var result) ? result : throw new InvalidDataException($"{rule.Uid}: condition {rule.Condition} is not an expression.");
        var state = condition.Count == 0
            ? rule.NoDataState switch { "OK" => AlertEvaluation.Normal, "Alerting" => AlertEvaluation.Alerting, _ => AlertEvaluation.NoData }
            : condition.Any(n => n.Value != 0 && !double.IsNaN(n.Value)) ? AlertEvaluation.Alerting : AlertEvaluation.Normal;
        return new AlertEvaluation(state, condition, numbers);
    }

    /// <summary>
    /// The annotations of one instance, rendered as Grafana renders them: <c>$labels</c> = the instance's labels,
    /// <c>$values</c> = each expression's number whose labels equal the instance's (or the only unlabelled one).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Annotations(AlertRule rule, AlertEvaluation evaluation, AlertNumber instance)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(instance);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (refId, numbers) in evaluation.Numbers)
        {
            var match = numbers.FirstOrDefault(n => n.Labels.Count == instance.Labels.Count && n.Labels.All(l => instance.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
                        ?? (numbers is [{ Labels.Count: 0 } only] ? only : null);
            if (match is not null)
            {
                values[refId] = match.Value;
            }
        }

        return rule.Annotations.ToDictionary(a => a.Key, a => AnnotationTemplate.Render(a.Value, instance.Labels, values), StringComparer.Ordinal);
    }

    /// <summary>Grafana's reduce expression over each series; an input without series gives no numbers (NoData).</summary>
    public static IReadOnlyList<AlertNumber> Reduce(IReadOnlyList<InfluxFrame> input, string reducer, string mode, double replaceWithValue = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Select(frame =>
        {
            var values = frame.Points.Select(p => p.Value ?? double.NaN).ToList();
            values = mode switch
            {
                "dropNN" => values.Where(v => !double.IsNaN(v)).ToList(),
                "replaceNN" => values.Select(v => double.IsNaN(v) ? replaceWithValue : v).ToList(),
                "" or "strict" => values,
                _ => throw new NotSupportedException($"Reduce mode '{mode}' is not supported (strict, dropNN, replaceNN)."),
            };
            return new AlertNumber(frame.Labels, Apply(reducer, values));
        }).ToList();
    }

    /// <summary>Grafana's threshold expression: 1 where the evaluator holds, 0 otherwise (also for NaN).</summary>
    public static IReadOnlyList<AlertNumber> Threshold(IReadOnlyList<AlertNumber> input, JsonObject evaluator)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(evaluator);
        var type = (string?)evaluator["type"];
        var parameters = evaluator["params"]!.AsArray().Select(p => double.Parse(p!.ToString(), CultureInfo.InvariantCulture)).ToList();
        bool Holds(double v) => type switch
        {
            "gt" => v > parameters[0],
            "lt" => v < parameters[0],
            "within_range" => v > parameters[0] && v < parameters[1],
            "outside_range" => v < parameters[0] || v > parameters[1],
            _ => throw new NotSupportedException($"Threshold type '{type}' is not supported (gt, lt, within_range, outside_range)."),
        };
        return input.Select(n => n with { Value = Holds(n.Value) ? 1 : 0 }).ToList();
    }

    private static double Apply(string reducer, List<double> values)
    {
        if (reducer == "count")
        {
            return values.Count;
        }

        if (values.Count == 0 || values.Exists(double.IsNaN))
        {
            return double.NaN;
        }

        return reducer switch
        {
            "last" => values[^1],
            "mean" => values.Average(),
            "min" => values.Min(),
            "max" => values.Max(),
            "sum" => values.Sum(),
            _ => throw new NotSupportedException($"Reducer '{reducer}' is not supported (last, mean, min, max, sum, count)."),
        };
    }
}
