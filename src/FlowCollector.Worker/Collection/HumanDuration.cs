namespace FlowCollector.Worker.Collection;

/// <summary>A duration as a person reads it in a log line, the summary or the report: <c>45s</c>, <c>3m07s</c>, <c>2h05m</c>, <c>3d04h</c>.</summary>
public static class HumanDuration
{
    public static string Of(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalMinutes < 1 ? $"{t.Seconds}s"
            : t.TotalHours < 1 ? $"{t.Minutes}m{t.Seconds:00}s"
            : t.TotalDays < 1 ? $"{t.Hours}h{t.Minutes:00}m"
            : $"{(int)t.TotalDays}d{t.Hours:00}h";
    }
}
