using System.Globalization;

namespace FlowCollector.Domain.Points;

/// <summary>A field value with the type InfluxDB will store: float, integer, string or boolean.</summary>
public readonly record struct FieldValue
{
    private FieldValue(FieldType type, double number, long wholeNumber, string? text, bool flag)
    {
        this.Type = type;
        this.Number = number;
        this.WholeNumber = wholeNumber;
        this.Text = text;
        this.Flag = flag;
    }

    public FieldType Type { get; }

    /// <summary>The value of a <see cref="FieldType.Real"/> field.</summary>
    public double Number { get; }

    /// <summary>The value of a <see cref="FieldType.Whole"/> field (written with InfluxDB's <c>i</c> suffix).</summary>
    public long WholeNumber { get; }

    /// <summary>The value of a <see cref="FieldType.Text"/> field.</summary>
    public string? Text { get; }

    /// <summary>The value of a <see cref="FieldType.Flag"/> field.</summary>
    public bool Flag { get; }

    public static FieldValue Of(double value) => new(FieldType.Real, value, 0, null, false);

    public static FieldValue Of(long value) => new(FieldType.Whole, 0, value, null, false);

    public static FieldValue Of(string value) => new(FieldType.Text, 0, 0, value, false);

    public static FieldValue Of(bool value) => new(FieldType.Flag, 0, 0, null, value);

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
