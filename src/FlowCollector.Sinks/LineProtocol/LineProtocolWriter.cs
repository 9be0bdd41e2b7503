using System.Globalization;
using System.Text;
using FlowCollector.Domain.Points;

namespace FlowCollector.Sinks.LineProtocol;

/// <summary>
/// Serialises <see cref="FlowPoint"/>s to InfluxDB line protocol
/// (<c>measurement,tag=value field=value timestamp</c>, timestamps in nanoseconds).
/// </summary>
/// <remarks>
/// Escaping follows InfluxDB's reference: the measurement escapes comma and space; tag keys, tag values and field
/// keys escape comma, equals sign and space; string field values are double-quoted with <c>"</c> and <c>\</c>
/// escaped. Decisions where line protocol cannot express a value (each verified against InfluxDB 1.6):
/// <list type="bullet">
/// <item>A tag with an empty value is <b>dropped</b>: InfluxDB rejects the whole line ("missing tag value"), its
/// own client libraries drop such tags, and InfluxQL's <c>WHERE tag = ''</c> matches a point without the tag, so
/// queries see the same thing.</item>
/// <item>Names and tag values that end in a backslash, or contain a line break, cannot be written (InfluxDB reads
/// the backslash as escaping the following separator) and are rejected with <see cref="ArgumentException"/>, as are
/// empty names, points without fields, duplicate keys, NaN and infinities (InfluxDB rejects those).</item>
/// <item>String field values may contain line breaks (InfluxDB 1.x/2.x keep them inside the quotes).</item>
/// <item>Floats are written as plain decimals with the shortest round-trip digits and never with an exponent
/// (<c>1000000</c>, <c>0.0000001</c>): every line-protocol parser reads that form exactly, while exponent syntax
/// differs between implementations. A float without a decimal point is still a float (no <c>i</c> suffix).</item>
/// </list>
/// </remarks>
public static class LineProtocolWriter
{
    private static readonly System.Buffers.SearchValues<char> NeedsEscapeWithEquals = System.Buffers.SearchValues.Create(", =");
    private static readonly System.Buffers.SearchValues<char> NeedsEscape = System.Buffers.SearchValues.Create(", ");

    /// <summary>One line, without a trailing line feed.</summary>
    /// <exception cref="ArgumentException">The point cannot be expressed in line protocol; the message names the measurement and key.</exception>
    public static string Write(FlowPoint point)
    {
        var builder = new StringBuilder(128);
        Append(builder, point);
        return builder.ToString();
    }

    /// <summary>The lines of <paramref name="points"/> joined by <c>'\n'</c> (no trailing line feed; empty for no points).</summary>
    /// <exception cref="ArgumentException">A point cannot be expressed in line protocol.</exception>
    public static string WriteBatch(IEnumerable<FlowPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var builder = new StringBuilder();
        var first = true;
        foreach (var point in points)
        {
            if (!first)
            {
                builder.Append('\n');
            }

            Append(builder, point);
            first = false;
        }

        return builder.ToString();
    }

    /// <summary>Appends one line (without line feed) to <paramref name="builder"/>; nothing is appended when it throws.</summary>
    public static void Append(StringBuilder builder, FlowPoint point)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(point);
        var start = builder.Length;
        try
        {
            AppendPoint(builder, point);
        }
        catch
        {
            builder.Length = start;
            throw;
        }
    }

    /// <summary>A float field value: shortest round-trip digits as a plain decimal, invariant culture, no exponent.</summary>
    public static string FormatFloat(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{value.ToString(CultureInfo.InvariantCulture)} cannot be written: InfluxDB has no NaN or infinity.", nameof(value));
        }

        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = roundTrip.IndexOf('E', StringComparison.Ordinal);
        return exponentAt < 0 ? roundTrip : ExpandExponent(roundTrip, exponentAt);
    }

    /// <summary>
    /// Checks that <paramref name="point"/> can be written, without writing it: what <see cref="Append"/> would reject.
    /// Cheap (no formatting), so a sink can check a whole run before sending its first batch.
    /// </summary>
    /// <exception cref="ArgumentException">The point cannot be expressed in line protocol; the message names the measurement and key.</exception>
    public static void Validate(FlowPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var measurement = point.Measurement;
        RequireWritableName(measurement, point, "the measurement name", null);
        if (measurement[0] == '#')
        {
            throw new ArgumentException($"Point of measurement '{measurement}': a line starting with '#' is a comment in line protocol.", nameof(point));
        }

        var tags = SortedTags(point);
        for (var t = 0; t < tags.Count; t++)
        {
            var tag = tags[t];
            RequireWritableName(tag.Key, point, "tag key '{0}'", tag.Key);
            if (!string.IsNullOrEmpty(tag.Value))
            {
                RequireWritableName(tag.Value, point, "the value of tag '{0}'", tag.Key);
            }
        }

        var fields = point.Fields;
        if (fields.Count == 0)
        {
            throw new ArgumentException($"Point of measurement '{measurement}' has no fields; InfluxDB requires at least one.", nameof(point));
        }

        for (var f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            RequireWritableName(field.Key, point, "field key '{0}'", field.Key);
            for (var earlier = 0; earlier < f; earlier++)
            {
                // Points carry about ten fields: a scan beats allocating a set per line.
                if (string.Equals(fields[earlier].Key, field.Key, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Point of measurement '{measurement}' has the field '{field.Key}' twice.", nameof(point));
                }
            }

            var value = field.Value;
            if (value.Type == FieldType.Float && !double.IsFinite(value.AsFloat))
            {
                throw new ArgumentException(
                    $"Point of measurement '{measurement}' has the float field '{field.Key}' = {value.AsFloat.ToString(CultureInfo.InvariantCulture)}; InfluxDB accepts no NaN or infinity.",
                    nameof(point));
            }

            if (value.Type is not (FieldType.Float or FieldType.Integer or FieldType.String or FieldType.Boolean))
            {
                throw new ArgumentException($"Point of measurement '{measurement}' has the field '{field.Key}' of unknown type {value.Type}.", nameof(point));
            }
        }
    }

    private static void AppendPoint(StringBuilder builder, FlowPoint point)
    {
        Validate(point);
        AppendEscaped(builder, point.Measurement, escapeEquals: false);

        // Validate checked the order too: unsorted tags (never produced by the domain) are sorted again here.
        var tags = SortedTags(point);
        for (var t = 0; t < tags.Count; t++)
        {
            var tag = tags[t];
            if (string.IsNullOrEmpty(tag.Value))
            {
                continue; // see remarks: dropped, not rejected
            }

            builder.Append(',');
            AppendEscaped(builder, tag.Key, escapeEquals: true);
            builder.Append('=');
            AppendEscaped(builder, tag.Value, escapeEquals: true);
        }

        var fields = point.Fields;
        var separator = ' ';
        for (var f = 0; f < fields.Count; f++)
        {
            builder.Append(separator);
            separator = ',';
            AppendEscaped(builder, fields[f].Key, escapeEquals: true);
            builder.Append('=');
            AppendFieldValue(builder, fields[f].Value);
        }

        builder.Append(' ');
        AppendInteger(builder, point.TimestampNanoseconds);
    }

    private static IReadOnlyList<KeyValuePair<string, string>> SortedTags(FlowPoint point)
    {
        // The domain sorts tags by key; InfluxDB performs best with sorted tags, so keep the order
        // when it is sorted and sort a copy otherwise (ordinal, as InfluxDB compares bytes).
        var tags = point.Tags;
        var sorted = true;
        for (var i = 1; i < tags.Count; i++)
        {
            var order = string.CompareOrdinal(tags[i - 1].Key, tags[i].Key);
            if (order == 0)
            {
                throw new ArgumentException($"Point of measurement '{point.Measurement}' has the tag '{tags[i].Key}' twice.", nameof(point));
            }

            sorted &= order < 0;
        }

        if (sorted)
        {
            return tags;
        }

        var copy = tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        for (var i = 1; i < copy.Count; i++)
        {
            if (string.Equals(copy[i - 1].Key, copy[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Point of measurement '{point.Measurement}' has the tag '{copy[i].Key}' twice.", nameof(point));
            }
        }

        return copy;
    }

    private static void AppendFieldValue(StringBuilder builder, FieldValue value)
    {
        switch (value.Type)
        {
            case FieldType.Float:
                AppendFloat(builder, value.AsFloat);
                break;
            case FieldType.Integer:
                AppendInteger(builder, value.AsInteger);
                builder.Append('i');
                break;
            case FieldType.String:
                builder.Append('"');
                var text = value.AsString ?? "";
                if (text.AsSpan().IndexOfAny('"', '\\') < 0)
                {
                    builder.Append(text);
                }
                else
                {
                    foreach (var c in text)
                    {
                        if (c is '"' or '\\')
                        {
                            builder.Append('\\');
                        }

                        builder.Append(c);
                    }
                }

                builder.Append('"');
                break;
            case FieldType.Boolean:
                builder.Append(value.AsBoolean ? "true" : "false");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "Validate rejects unknown field types first.");
        }
    }

    private static void AppendInteger(StringBuilder builder, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        builder.Append(digits[..written]);
    }

    private static void AppendFloat(StringBuilder builder, double value)
    {
        // Shortest round-trip digits without allocating; the rare exponent form takes the allocating path.
        Span<char> digits = stackalloc char[32];
        if (value.TryFormat(digits, out var written, "R", CultureInfo.InvariantCulture) && digits[..written].IndexOf('E') < 0)
        {
            builder.Append(digits[..written]);
            return;
        }

        builder.Append(FormatFloat(value));
    }

    private static void AppendEscaped(StringBuilder builder, string text, bool escapeEquals)
    {
        if (text.AsSpan().IndexOfAny(escapeEquals ? NeedsEscapeWithEquals : NeedsEscape) < 0)
        {
            builder.Append(text);
            return;
        }

        foreach (var c in text)
        {
            if (c is ',' or ' ' || (escapeEquals && c == '='))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }
    }

    /// <remarks>The subject is a format filled only when the check fails: this runs for every name of every line.</remarks>
    private static void RequireWritableName(string? text, FlowPoint point, string subjectFormat, string? key)
    {
        if (!string.IsNullOrEmpty(text) && text[^1] != '\\' && text.AsSpan().IndexOfAny('\n', '\r') < 0)
        {
            return;
        }

        var measurement = point.Measurement;
        var subject = string.Format(CultureInfo.InvariantCulture, subjectFormat, key);
        if (string.IsNullOrEmpty(text))
        {
            throw new ArgumentException($"Point of measurement '{measurement}': {subject} is empty; InfluxDB requires a name.", nameof(point));
        }

        if (text[^1] == '\\')
        {
            throw new ArgumentException($"Point of measurement '{measurement}': {subject} ends with a backslash, which line protocol cannot express.", nameof(point));
        }

        throw new ArgumentException($"Point of measurement '{measurement}': {subject} contains a line break, which line protocol cannot express.", nameof(point));
    }

    private static string ExpandExponent(string roundTrip, int exponentAt)
    {
        // "-1.2345E-07" → sign "-", digits "12345", the decimal point after 1 digit, moved by -7 places.
        var exponent = int.Parse(roundTrip.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = roundTrip.AsSpan(0, exponentAt);
        var negative = mantissa[0] == '-';
        if (negative)
        {
            mantissa = mantissa[1..];
        }

        var pointAt = mantissa.IndexOf('.');
        var digits = pointAt < 0 ? mantissa.ToString() : string.Concat(mantissa[..pointAt], mantissa[(pointAt + 1)..]);
        var integerDigits = (pointAt < 0 ? mantissa.Length : pointAt) + exponent;

        var builder = new StringBuilder(digits.Length + Math.Abs(exponent) + 3);
        if (negative)
        {
            builder.Append('-');
        }

        if (integerDigits <= 0)
        {
            builder.Append("0.").Append('0', -integerDigits).Append(digits);
        }
        else if (integerDigits >= digits.Length)
        {
            builder.Append(digits).Append('0', integerDigits - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, integerDigits).Append('.').Append(digits, integerDigits, digits.Length - integerDigits);
        }

        return builder.ToString();
    }
}
