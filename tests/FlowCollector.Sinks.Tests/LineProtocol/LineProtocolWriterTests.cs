using FlowCollector.Domain.Points;
using FlowCollector.Sinks.LineProtocol;

namespace FlowCollector.Sinks.Tests.LineProtocol;

public sealed class LineProtocolWriterTests
{
    public static TheoryData<string, FlowPoint, string> Lines => new()
    {
        { "plain point", P("m", [("a", "1")], [("f", FieldValue.Of(1.5))], 7), "m,a=1 f=1.5 7" },
        { "no tags", P("m", [], [("f", FieldValue.Of(2.0))], 0), "m f=2 0" },
        { "measurement escapes comma and space, not equals", P("my m,x=y", [], [("f", FieldValue.Of(true))], 1), @"my\ m\,x=y f=true 1" },
        { "tag key escapes comma, equals, space", P("m", [("a b,c=d", "v")], [("f", FieldValue.Of(false))], 1), @"m,a\ b\,c\=d=v f=false 1" },
        { "tag value escapes comma, equals, space", P("m", [("t", "Fabrikam Fiber,web=app")], [("f", FieldValue.Of(1L))], 1), @"m,t=Fabrikam\ Fiber\,web\=app f=1i 1" },
        { "field key escapes comma, equals, space", P("m", [], [("a b,c=d", FieldValue.Of(1L))], 1), @"m a\ b\,c\=d=1i 1" },
        { "string value escapes quote and backslash only", P("m", [], [("s", FieldValue.Of(@"say ""hi"" \ a,b=c d"))], 1), @"m s=""say \""hi\"" \\ a,b=c d"" 1" },
        { "string value ending in backslash", P("m", [], [("s", FieldValue.Of(@"C:\"))], 1), @"m s=""C:\\"" 1" },
        { "empty string value", P("m", [], [("s", FieldValue.Of(""))], 1), @"m s="""" 1" },
        { "string value keeps a line break", P("m", [], [("s", FieldValue.Of("a\nb"))], 1), "m s=\"a\nb\" 1" },
        { "backslash inside a tag value is kept as is", P("m", [("t", @"a\b")], [("f", FieldValue.Of(1L))], 1), @"m,t=a\b f=1i 1" },
        { "unicode passes through", P("mé", [("t", "zürich")], [("s", FieldValue.Of("ü"))], 1), "mé,t=zürich s=\"ü\" 1" },
        { "integer suffix and extremes", P("m", [], [("a", FieldValue.Of(long.MaxValue)), ("b", FieldValue.Of(long.MinValue)), ("c", FieldValue.Of(0L))], 1), "m a=9223372036854775807i,b=-9223372036854775808i,c=0i 1" },
        { "all four field types in given order", P("m", [("k", "v")], [("s", FieldValue.Of("x")), ("i", FieldValue.Of(3L)), ("f", FieldValue.Of(0.25)), ("b", FieldValue.Of(true))], 1), "m,k=v s=\"x\",i=3i,f=0.25,b=true 1" },
        { "unsorted tags are sorted by key (ordinal)", P("m", [("repo", "r"), ("Org", "o"), ("kind", "k")], [("f", FieldValue.Of(1L))], 1), "m,Org=o,kind=k,repo=r f=1i 1" },
        { "empty tag value is dropped", P("m", [("a", ""), ("b", "x")], [("f", FieldValue.Of(1L))], 1), "m,b=x f=1i 1" },
        { "negative timestamp (before 1970)", P("m", [], [("f", FieldValue.Of(1L))], -1_000_000_000), "m f=1i -1000000000" },
        { "nanosecond timestamp", P("m", [], [("f", FieldValue.Of(1L))], 1_741_003_200_000_000_042), "m f=1i 1741003200000000042" },
    };

    public static TheoryData<string, double, string> Floats => new()
    {
        { "zero", 0.0, "0" },
        { "negative zero", -0.0, "-0" },
        { "half", 0.5, "0.5" },
        { "one million (R gives 1000000)", 1e6, "1000000" },
        { "1e15 (largest without exponent in R)", 1e15, "1000000000000000" },
        { "1e16 (R would give 1E+16)", 1e16, "10000000000000000" },
        { "1e20", 1e20, "100000000000000000000" },
        { "1.5e300 keeps digits exact", 1.5e300, "15" + new string('0', 299) },
        { "1e-7 (R would give 1E-07)", 1e-7, "0.0000001" },
        { "-1.2345e-7", -1.2345e-7, "-0.00000012345" },
        { "1e-5 (R would give 1E-05)", 1e-5, "0.00001" },
        { "0.0001 (R gives it plainly)", 0.0001, "0.0001" },
        { "smallest subnormal", double.Epsilon, "0." + new string('0', 323) + "5" },
        { "largest double", double.MaxValue, "17976931348623157" + new string('0', 292) },
        { "one third: shortest round-trip digits", 1.0 / 3, "0.3333333333333333" },
        { "0.1 + 0.2: not rounded to 0.3", 0.1 + 0.2, "0.30000000000000004" },
        { "three hours in seconds", 10800.0, "10800" },
        { "1234567.125", 1234567.125, "1234567.125" },
        { "2^53 + 2", 9007199254740994.0, "9007199254740994" },
        { "1.2345678901234566e17: digits then zeros", 1.2345678901234566e17, "123456789012345660" },
    };

    public static TheoryData<string, FlowPoint, string> Invalid => new()
    {
        { "empty measurement", P("", [], [("f", FieldValue.Of(1L))], 1), "empty" },
        { "measurement starting with #", P("#m", [], [("f", FieldValue.Of(1L))], 1), "comment" },
        { "no fields", P("m", [("t", "v")], [], 1), "no fields" },
        { "empty tag key", P("m", [("", "v")], [("f", FieldValue.Of(1L))], 1), "empty" },
        { "empty field key", P("m", [], [("", FieldValue.Of(1L))], 1), "empty" },
        { "tag value ending in backslash", P("m", [("repo", @"a\")], [("f", FieldValue.Of(1L))], 1), "'repo'" },
        { "tag key ending in backslash", P("m", [(@"k\", "v")], [("f", FieldValue.Of(1L))], 1), "backslash" },
        { "field key ending in backslash", P("m", [], [(@"f\", FieldValue.Of(1L))], 1), "backslash" },
        { "measurement ending in backslash", P(@"m\", [], [("f", FieldValue.Of(1L))], 1), "backslash" },
        { "line break in a tag value", P("m", [("repo", "a\nb")], [("f", FieldValue.Of(1L))], 1), "'repo'" },
        { "carriage return in the measurement", P("m\r", [], [("f", FieldValue.Of(1L))], 1), "line break" },
        { "duplicate tag key", P("m", [("a", "1"), ("a", "2")], [("f", FieldValue.Of(1L))], 1), "'a' twice" },
        { "duplicate tag key, unsorted", P("m", [("b", "1"), ("a", "1"), ("b", "2")], [("f", FieldValue.Of(1L))], 1), "'b' twice" },
        { "duplicate field key", P("m", [], [("f", FieldValue.Of(1L)), ("f", FieldValue.Of(2L))], 1), "'f' twice" },
        { "NaN", P("m", [], [("seconds", FieldValue.Of(double.NaN))], 1), "'seconds'" },
        { "infinity", P("m", [], [("seconds", FieldValue.Of(double.PositiveInfinity))], 1), "'seconds'" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Writes_the_exact_line(string scenario, FlowPoint point, string expected)
    {
        Assert.True(expected == LineProtocolWriter.Write(point), $"{scenario}: expected {expected}, got {LineProtocolWriter.Write(point)}");
    }

    [Theory]
    [MemberData(nameof(Floats))]
    public void Writes_floats_as_plain_round_trip_decimals(string scenario, double value, string expected)
    {
        var written = LineProtocolWriter.Write(P("m", [], [("f", FieldValue.Of(value))], 1));

        Assert.True($"m f={expected} 1" == written, $"{scenario}: expected {expected}, got {written}");
        Assert.Equal(value, double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("E", expected, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_what_line_protocol_cannot_express_naming_measurement_and_key(string scenario, FlowPoint point, string mentioned)
    {
        var e = Assert.Throws<ArgumentException>(() => LineProtocolWriter.Write(point));

        Assert.True(e.Message.Contains(mentioned, StringComparison.Ordinal), $"{scenario}: '{e.Message}' should mention {mentioned}");
        Assert.Contains($"'{point.Measurement}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_joins_lines_with_line_feeds_and_no_trailing_one()
    {
        FlowPoint[] points = [P("a", [], [("f", FieldValue.Of(1L))], 1), P("b", [("t", "x")], [("f", FieldValue.Of(0.5))], 2)];

        Assert.Equal("a f=1i 1\nb,t=x f=0.5 2", LineProtocolWriter.WriteBatch(points));
        Assert.Equal("", LineProtocolWriter.WriteBatch([]));
    }

    [Fact]
    public void A_change_stage_point_from_the_domain_is_written_in_schema_order()
    {
        var point = new FlowPoint(
            FlowSchema.Measurements.ChangeStage,
            [new("kind", "wait"), new("org", "contoso"), new("repo", "web"), new("schema", "1"), new("source", "github"), new("stage", "deploy:production")],
            [new("change_id", FieldValue.Of("42")), new("clamped", FieldValue.Of(false)), new("direct", FieldValue.Of(false)), new("seconds", FieldValue.Of(10800.0)), new("url", FieldValue.Of("https://github.com/contoso/web/pull/42"))],
            PointTimestamps.For(new DateTimeOffset(2025, 3, 3, 12, 0, 0, TimeSpan.Zero), "42"));

        Assert.Equal(
            "change_stage,kind=wait,org=contoso,repo=web,schema=1,source=github,stage=deploy:production change_id=\"42\",clamped=false,direct=false,seconds=10800,url=\"https://github.com/contoso/web/pull/42\" 1741003200042000000",
            LineProtocolWriter.Write(point));
    }

    [Fact]
    public void Append_leaves_the_builder_untouched_when_a_point_is_invalid()
    {
        var builder = new System.Text.StringBuilder("kept");

        Assert.Throws<ArgumentException>(() => LineProtocolWriter.Append(builder, P("m", [("t", @"x\")], [("f", FieldValue.Of(1L))], 1)));

        Assert.Equal("kept", builder.ToString());
    }

    internal static FlowPoint P(string measurement, (string Key, string Value)[] tags, (string Key, FieldValue Value)[] fields, long timestamp) =>
        new(measurement, tags.Select(t => new KeyValuePair<string, string>(t.Key, t.Value)).ToList(), fields.Select(f => new KeyValuePair<string, FieldValue>(f.Key, f.Value)).ToList(), timestamp);
}
