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

    public FieldType Type => stringOrType switch
    {
        string => FieldType.String,
        _ when ReferenceEquals(stringOrType, IntegerMarker) => FieldType.Integer,
        _ when ReferenceEquals(stringOrType, BooleanMarker) => FieldType.Boolean,
        _ => FieldType.Float,
    };

    /// <summary>The value of a <see cref="FieldType.Float"/> field.</summary>
    public double AsFloat => Type == FieldType.Float ? BitConverter.Int64BitsToDouble(bits) : 0;

    /// <summary>The value of an <see cref="FieldType.Integer"/> field (written with InfluxDB's <c>i</c> suffix).</summary>
    public long AsInteger => Type == FieldType.Integer ? bits : 0;

    /// <summary>The value of a <see cref="FieldType.String"/> field.</summary>
    public string? AsString => stringOrType as string;

    /// <summary>The value of a <see cref="FieldType.Boolean"/> field.</summary>
    public bool AsBoolean => Type == FieldType.Boolean && bits != 0;

    public static FieldValue Of(double value) => new(FloatMarker, BitConverter.DoubleToInt64Bits(value));

    public static FieldValue Of(long value) => new(IntegerMarker, value);

    public static FieldValue Of(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static FieldValue Of(bool value) => new(BooleanMarker, value ? 1 : 0);

    public override string ToString() => Type switch
    {
        FieldType.Float => AsFloat.ToString("R", CultureInfo.InvariantCulture),
        FieldType.Integer => AsInteger.ToString(CultureInfo.InvariantCulture),
        FieldType.String => AsString ?? "",
        _ => AsBoolean ? "true" : "false",
    };
}
