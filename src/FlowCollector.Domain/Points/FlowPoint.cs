namespace FlowCollector.Domain.Points;

/// <summary>
/// One time-series point, storage-neutral: a measurement, low-cardinality tags (sorted by key), typed
/// fields and a timestamp in Unix nanoseconds. Sinks serialise it (InfluxDB line protocol).
/// </summary>
public sealed record FlowPoint(string Measurement, IReadOnlyList<KeyValuePair<string, string>> Tags, IReadOnlyList<KeyValuePair<string, FieldValue>> Fields, long TimestampNanoseconds)
{
    /// <summary>The value of a tag, or null.</summary>
    public string? Tag(string key)
    {
        foreach (var tag in Tags)
        {
            if (string.Equals(tag.Key, key, StringComparison.Ordinal))
            {
                return tag.Value;
            }
        }

        return null;
    }

    /// <summary>The value of a field, or null.</summary>
    public FieldValue? Field(string key)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Key, key, StringComparison.Ordinal))
            {
                return field.Value;
            }
        }

        return null;
    }
}
