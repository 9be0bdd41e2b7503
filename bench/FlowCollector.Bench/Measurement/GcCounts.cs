namespace FlowCollector.Bench.Measurement;

/// <summary>Collections per generation since a snapshot.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    public GcCounts Since(GcCounts earlier) => new(Gen0 - earlier.Gen0, Gen1 - earlier.Gen1, Gen2 - earlier.Gen2);

    public override string ToString() => $"{Gen0}/{Gen1}/{Gen2}";
}
