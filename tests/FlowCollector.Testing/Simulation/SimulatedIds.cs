using System.Security.Cryptography;
using System.Text;

namespace FlowCollector.Testing.Simulation;

/// <summary>Deterministic identifiers in GitHub's formats, so the same model always serves the same bytes.</summary>
internal static class SimulatedIds
{
    /// <summary>40 lower-case hex digits (the length of a git SHA-1) derived from <paramref name="seed"/>.</summary>
    public static string Sha(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 20));

    /// <summary>GitHub's legacy global node id: base64 of <c>0{length of type}:{type}{id}</c> (e.g. <c>MDQ6VXNlcjE=</c> for user 1).</summary>
    public static string NodeId(string type, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"0{type.Length}:{type}{id}"));

    /// <summary>A positive number below 10^8 derived from <paramref name="seed"/>.</summary>
    public static long StableNumber(string seed) =>
        (long)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0) % 90_000_000UL) + 10_000_000L;

    /// <summary>Whole seconds in UTC: GitHub's timestamps have no fractions, so the model keeps none either.</summary>
    public static DateTimeOffset Second(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
