using System.Diagnostics.CodeAnalysis;

namespace FlowCollector.Domain.Points;

/// <summary>The four field types of InfluxDB's line protocol, named as InfluxDB names them.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "InfluxDB's own names for its field types.")]
public enum FieldType
{
    Float,
    Integer,
    String,
    Boolean,
}
