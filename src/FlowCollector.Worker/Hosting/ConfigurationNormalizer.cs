using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace FlowCollector.Worker.Hosting;

/// <summary>
/// The forms people write that the binder does not read, turned into the ones it does, as a last configuration layer:
/// a duration as <c>15m</c> / <c>1h</c> / <c>30d</c> / <c>90s</c> / <c>500ms</c> (as Helm values and Kubernetes
/// manifests write them) for every key bound to a <see cref="TimeSpan"/>, and a PostgreSQL URI
/// (<c>postgresql://user:password@host:5432/db?sslmode=require</c>, what CloudNativePG's <c>uri</c> key holds) for
/// <c>State:PostgreSql:ConnectionString</c>.
/// </summary>
internal static partial class ConfigurationNormalizer
{
    private const string PostgreSqlKey = "State:PostgreSql:ConnectionString";

    /// <summary>The values to lay over <paramref name="configuration"/>: only keys whose value needed rewriting.</summary>
    public static Dictionary<string, string?> Overrides(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var type = ConfigurationKeys.TypeOf(key);
            if ((type == typeof(TimeSpan) || type == typeof(TimeSpan?)) && TryParseDuration(value, out var duration))
            {
                overrides[key] = duration.ToString("c", CultureInfo.InvariantCulture);
            }
            else if (string.Equals(key, PostgreSqlKey, StringComparison.OrdinalIgnoreCase) && TryConvertPostgreSqlUri(value, out var connectionString))
            {
                overrides[key] = connectionString;
            }
        }

        return overrides;
    }

    /// <summary><c>&lt;number&gt;&lt;unit&gt;</c> with unit ms, s, m, h or d (e.g. <c>15m</c>, <c>1.5h</c>); false for anything else, including <c>hh:mm:ss</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text ?? "");
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        duration = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
        return true;
    }

    /// <summary>
    /// A <c>postgres://</c> or <c>postgresql://</c> URI as an Npgsql connection string: user and password (percent-decoded),
    /// host, port (default 5432), database, and the query parameters <c>sslmode</c>, <c>application_name</c> and
    /// <c>connect_timeout</c>. False when it is not such a URI (the value is then checked as Npgsql's own form).
    /// </summary>
    public static bool TryConvertPostgreSqlUri(string text, out string connectionString)
    {
        connectionString = "";
        if (!(text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            switch (Uri.UnescapeDataString(parts[0]).ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = value.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => builder.SslMode,
                    };
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    builder.Timeout = seconds;
                    break;
            }
        }

        connectionString = builder.ConnectionString;
        return true;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
