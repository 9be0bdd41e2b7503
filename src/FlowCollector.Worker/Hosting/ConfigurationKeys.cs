using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using FlowCollector.Sinks.File;
using FlowCollector.Sinks.InfluxDb;
using FlowCollector.Sources.AzureDevOps;
using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.RateLimiting;
using FlowCollector.State;
using FlowCollector.Worker.Collection;
using FlowCollector.Worker.Health;
using Microsoft.Extensions.Http.Resilience;

namespace FlowCollector.Worker.Hosting;

/// <summary>
/// Every configuration key the binary binds, found by reflection over the options classes and the sections they are
/// bound from: what a value must convert to, and which keys exist — so a value that cannot be converted is one line
/// naming its key (not a stack trace), a duration may be written <c>15m</c>, and a misspelt key gets a "did you mean".
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>The bound sections and their options types (FlowCollectorComposition and the sources' registrations).</summary>
    public static readonly IReadOnlyList<(string Section, Type Options)> Roots =
    [
        (GitHubSourceOptions.SectionName, typeof(GitHubSourceOptions)),
        (GitHubSourceOptions.ResilienceSectionName, typeof(HttpStandardResilienceOptions)),
        (GitHubRateLimitOptions.SectionName, typeof(GitHubRateLimitOptions)),
        (AzureDevOpsSourceOptions.SectionName, typeof(AzureDevOpsSourceOptions)),
        (AzureDevOpsSourceOptions.ResilienceSectionName, typeof(HttpStandardResilienceOptions)),
        (InfluxDbSinkOptions.SectionName, typeof(InfluxDbSinkOptions)),
        (InfluxDbSinkOptions.ResilienceSectionName, typeof(HttpStandardResilienceOptions)),
        (FileSinkOptions.SectionName, typeof(FileSinkOptions)),
        (StateOptions.SectionName, typeof(StateOptions)),
        (CollectionOptions.SectionName, typeof(CollectionOptions)),
        (HealthOptions.SectionName, typeof(HealthOptions)),
        (ValueStreamOptions.SectionName, typeof(ValueStreamOptions)),
    ];

    private static readonly Lazy<IReadOnlyList<Leaf>> AllLeaves = new(() => Roots.SelectMany(r => Walk(r.Section.Split(':'), r.Options, 0)).ToList());

    /// <summary>Every bindable key: its segments (<c>*</c> for a list index or dictionary key) and the value's type.</summary>
    public static IReadOnlyList<Leaf> Leaves => AllLeaves.Value;

    /// <summary>The type a configured key binds to, or null when the key is not one of ours (or is a section).</summary>
    public static Type? TypeOf(string key) => Find(key)?.Type;

    public static Leaf? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        return Leaves.FirstOrDefault(l => l.Matches(segments));
    }

    /// <summary>True when <paramref name="key"/> lies in a section the binary reads (unknown keys there are typos).</summary>
    public static bool InKnownSection(string key) =>
        Roots.Any(r => key.StartsWith(r.Section + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>The known key most like <paramref name="key"/> (same parent, smallest edit distance), for "did you mean".</summary>
    public static string? Nearest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        var candidates = Leaves
            .Where(l => l.Segments.Length >= segments.Length)
            .Select(l => Concrete(l.Segments.Take(segments.Length).ToArray(), segments))
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(c => (Key: c, Distance: EditDistance.Between(c.ToUpperInvariant(), key.ToUpperInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return candidates.Key is not null && candidates.Distance <= Math.Max(2, segments[^1].Length / 3) ? candidates.Key : null;
    }

    /// <summary>Whether <paramref name="value"/> converts to <paramref name="type"/> the way the configuration binder converts it.</summary>
    public static bool Converts(Type type, string value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string) || value.Length == 0)
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>What a value of <paramref name="type"/> looks like, for a message.</summary>
    public static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(int) || target == typeof(long) => "a whole number, e.g. 100",
            _ when target == typeof(double) || target == typeof(decimal) || target == typeof(float) => "a number, e.g. 0.5",
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(TimeSpan) => "a duration: 15m, 1h, 30d, 90s, 500ms or hh:mm:ss (d.hh:mm:ss)",
            _ when target == typeof(Uri) => "an absolute URL, e.g. https://example.com",
            _ when target.IsEnum => "one of " + string.Join(", ", Enum.GetNames(target)),
            _ => "a " + target.Name,
        };
    }

    private static string? Concrete(string[] pattern, string[] actual)
    {
        var parts = new string[pattern.Length];
        for (var i = 0; i < pattern.Length; i++)
        {
            if (i < pattern.Length - 1 && pattern[i] != "*" && !string.Equals(pattern[i], actual[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            parts[i] = pattern[i] == "*" ? actual[i] : pattern[i];
        }

        return string.Join(':', parts);
    }

    private static IEnumerable<Leaf> Walk(string[] prefix, Type type, int depth)
    {
        if (depth > 6)
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || (!property.CanWrite && !IsCollection(property.PropertyType)))
            {
                continue;
            }

            foreach (var leaf in Of([.. prefix, property.Name], property.PropertyType, depth))
            {
                yield return leaf;
            }
        }
    }

    private static IEnumerable<Leaf> Of(string[] path, Type type, int depth)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            yield return new Leaf(path, type);
        }
        else if (typeof(Delegate).IsAssignableFrom(target))
        {
            yield break;
        }
        else if (ElementOf(target) is { } element)
        {
            foreach (var leaf in Of([.. path, "*"], element, depth + 1))
            {
                yield return leaf;
            }
        }
        else if (target.IsClass && target.Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
        {
            foreach (var leaf in Walk(path, target, depth + 1))
            {
                yield return leaf;
            }
        }
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool IsCollection(Type type) => ElementOf(type) is not null;

    private static Type? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!type.IsGenericType || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        return arguments.Length switch
        {
            1 => arguments[0],
            2 when arguments[0] == typeof(string) => arguments[1],
            _ => null,
        };
    }

    /// <summary>One bindable key.</summary>
    public sealed record Leaf(string[] Segments, Type Type)
    {
        public string Key => string.Join(':', Segments);

        public bool Matches(string[] key)
        {
            if (key.Length != Segments.Length)
            {
                return false;
            }

            for (var i = 0; i < key.Length; i++)
            {
                if (Segments[i] != "*" && !string.Equals(Segments[i], key[i], StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }

            return true;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Key} ({Type.Name})");
    }
}
