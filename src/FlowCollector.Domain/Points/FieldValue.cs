using System.Globalization;

namespace FlowCollector.Domain.Points;

/// <summary>A field value with the type InfluxDB will store: float, integer, string or boolean.</summary>
/// <remarks>
/// Millions of these are built per run, so the value is 16 bytes: one reference that is either the text or a marker
/// object naming the type, and one 64-bit slot holding the float's bits, the integer or the flag.
/// </remarks>
public readonly record struct FieldValue
{
    private static readonly object RealMarker = new();
    private static readonly object WholeMarker = new();
    private static readonly object FlagMarker = new();

    private readonly object textOrType;
    private readonly long bits;

    private FieldValue(object textOrType, long bits)
    {
        this.textOrType = textOrType;
        this.bits = bits;
    }

    public FieldType Type => this.textOrType switch
    {
        string => FieldType.Text,
        _ when ReferenceEquals(this.textOrType, WholeMarker) => FieldType.Whole,
        _ when ReferenceEquals(this.textOrType, FlagMarker) => FieldType.Flag,
        _ => FieldType.Real,
    };

    /// <summary>The value of a <see cref="FieldType.Real"/> field.</summary>
    public double Number => this.Type == FieldType.Real ? BitConverter.Int64BitsToDouble(this.bits) : 0;

    /// <summary>The value of a <see cref="FieldType.Whole"/> field (written with InfluxDB's <c>i</c> suffix).</summary>
    public long WholeNumber => this.Type == FieldType.Whole ? this.bits : 0;

    /// <summary>The value of a <see cref="FieldType.Text"/> field.</summary>
    public string? Text => this.textOrType as string;

    /// <summary>The value of a <see cref="FieldType.Flag"/> field.</summary>
    public bool Flag => this.Type == FieldType.Flag && this.bits != 0;

    public static FieldValue Of(double value) => new(RealMarker, BitConverter.DoubleToInt64Bits(value));

    public static FieldValue Of(long value) => new(WholeMarker, value);

    public static FieldValue Of(string value) => new(value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static FieldValue Of(bool value) => new(FlagMarker, value ? 1 : 0);

    public override string ToString() => this.Type switch
    {
        FieldType.Real => this.Number.ToString("R", CultureInfo.InvariantCulture),
        FieldType.Whole => this.WholeNumber.ToString(CultureInfo.InvariantCulture),
        FieldType.Text => this.Text ?? "",
        _ => this.Flag ? "true" : "false",
    };
}

/// <summary>The four InfluxDB field types: float, integer, string, boolean.</summary>
public enum FieldType
{
    Real,
    Whole,
    Text,
    Flag,
}
