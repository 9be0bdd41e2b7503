using System.Reflection;
using System.Text.RegularExpressions;
using FlowCollector.Domain.Points;

namespace FlowCollector.Worker.Tests.Architecture;

/// <summary>
/// <see cref="FlowSchema"/> and docs/schema.md name the same things: every measurement, tag and field the code can write
/// is documented, and every measurement the document describes is one the code writes. Boards and alert rules are
/// written against the document.
/// </summary>
public sealed partial class SchemaDocumentTests
{
    private static readonly Lazy<string> Document = new(() => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "schema.md")));

    [Theory]
    [InlineData(nameof(FlowSchema.Measurements))]
    [InlineData(nameof(FlowSchema.Tags))]
    [InlineData(nameof(FlowSchema.Fields))]
    public void Every_name_in_the_code_is_in_the_document(string kind)
    {
        var names = Names(kind);
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains($"`{n}`", Document.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_measurement_the_document_describes_is_written_by_the_code()
    {
        var documented = MeasurementHeading().Matches(Document.Value).Select(m => m.Groups[1].Value).ToList();

        // docs/schema.md has one "## `name` — …" section per measurement.
        Assert.Contains("change_stage", documented);
        Assert.Equal(Names(nameof(FlowSchema.Measurements)).Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    private static List<string> Names(string kind) =>
        [.. typeof(FlowSchema).GetNestedType(kind)!.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];

    [GeneratedRegex(@"^## `(\w+)` —", RegexOptions.Multiline)]
    private static partial Regex MeasurementHeading();
}
