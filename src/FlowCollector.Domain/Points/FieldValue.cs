using System.Globalization;

namespace FlowCollector.Domain.Points;

/// <summary>A field value with the type InfluxDB will store: float, integer, string or boolean.</summary>
/// <remarks>
/// Millions of these are built per run, so the value is 16 bytes: one reference that is either the string or a marker
/// object naming the type, and one 64-bit slot holding the float's bits, the integer or the boolean.
/// </remarks>
public readonly record struct FieldValue
{
    private static readonly object FloatMarker = new();
    private static readonly object IntegerMarker = new();
    private static readonly object BooleanMarker = new();

    private readonly object stringOrType;
    private readonly long bits;

    private FieldValue(object stringOrType, long bits)
    {
        this.stringOrType = stringOrType;
        this.bits = bits;
    }

    public FieldType Type => this.stringOrType switch
    {
        string => FieldType.String,
        _ when ReferenceEquals(this.stringOrType, IntegerMarker) => FieldType.Integer,
        _ when ReferenceEquals(this.stringOrType, BooleanMarker) => FieldType.Boolean,
        _ => FieldType.Float,
    };

    /// <summary>The value of a <see cref="FieldType.Float"/> field.</summary>
    public double AsFloat => this.Type == FieldType.Float ? BitConverter.Int64BitsToDouble(this.bits) : 0;

    /// <summary>The value of an <see cref="FieldType.Integer"/> field (written with InfluxDB's <c>i</c> suffix).</summary>
    public long AsInteger => this.Type == FieldType.Integer ? this.bits : 0;

    /// <summary>The value of a <see cref="FieldType.String"/> field.</summary>
    public string? AsString => this.stringOrType as string;

    /// <summary>The value of a <see cref="FieldType.Boolean"/> field.</summary>
    public bool AsBoolean => this.Type == FieldType.Boolean && this.bits != 0;

    public static FieldValue Of(double value) => new(FloatMarker, BitConverter.DoubleToInt64Bits(value));

    public static FieldValue Of(long value) => new(IntegerMarker, value);

    public static FieldValue Of(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static FieldValue Of(bool value) => new(BooleanMarker, value ? 1 : 0);

    public override string ToString() => this.Type switch
    {
        FieldType.Float => this.AsFloat.ToString("R", CultureInfo.InvariantCulture),
        FieldType.Integer => this.AsInteger.ToString(CultureInfo.InvariantCulture),
        FieldType.String => this.AsString ?? "",
        _ => this.AsBoolean ? "true" : "false",
    };
}
