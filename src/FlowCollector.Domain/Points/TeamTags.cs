namespace FlowCollector.Domain.Points;

/// <summary>The <c>team</c> tag every point of a repository owned by a team carries (<c>ValueStream:Teams</c>), so boards can be cut by team.</summary>
public static class TeamTags
{
    /// <summary>The points with the <c>team</c> tag added (tag arrays shared by several points are rebuilt once).</summary>
    public static List<FlowPoint> Add(IReadOnlyList<FlowPoint> points, string team)
    {
        ArgumentNullException.ThrowIfNull(points);
        var rebuilt = new Dictionary<IReadOnlyList<KeyValuePair<string, string>>, KeyValuePair<string, string>[]>(ReferenceEqualityComparer.Instance);
        var tagged = new List<FlowPoint>(points.Count);
        foreach (var point in points)
        {
            if (!rebuilt.TryGetValue(point.Tags, out var tags))
            {
                tags = [.. point.Tags.Where(t => t.Key != FlowSchema.Tags.Team).Append(new(FlowSchema.Tags.Team, team)).OrderBy(t => t.Key, StringComparer.Ordinal)];
                rebuilt.Add(point.Tags, tags);
            }

            tagged.Add(point with { Tags = tags });
        }

        return tagged;
    }

    /// <summary>The points as they are without a team, else with its tag.</summary>
    public static List<FlowPoint> AddIfOwned(List<FlowPoint> points, string? team) => team is null ? points : Add(points, team);
}
