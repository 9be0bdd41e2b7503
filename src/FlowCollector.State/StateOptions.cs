using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.State;

/// <summary>Where per-target watermarks, ETags and pending changes are kept. Bound from <c>State</c>.</summary>
public sealed class StateOptions
{
    public const string SectionName = "State";

    /// <summary>The embedded SQLite file (default <c>data/flowcollector.db</c>, relative to the working directory). Its folder must be writable.</summary>
    public string SqlitePath { get; set; } = "data/flowcollector.db";

    /// <summary>The shared PostgreSQL store and the Quartz cluster on it; unused while its connection string is empty.</summary>
    public PostgreSqlStateOptions PostgreSql { get; set; } = new();

    /// <summary>True when <c>State:PostgreSql:ConnectionString</c> is set: PostgreSQL state and a clustered Quartz job store instead of SQLite and the in-memory one.</summary>
    public bool Clustered => !string.IsNullOrWhiteSpace(PostgreSql.ConnectionString);

    /// <summary>Reads the mode straight from configuration, for registrations that must choose before options exist.</summary>
    public static StateOptions From(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<StateOptions>() ?? new StateOptions();
}

/// <summary>
/// The shared store for several replicas: state tables, the Quartz job store (<c>qrtz_*</c>) and the API budget per
/// credential, all in one PostgreSQL database. Bound from <c>State:PostgreSql</c>.
/// </summary>
public sealed class PostgreSqlStateOptions
{
    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=postgres;Port=5432;Database=flowcollector;Username=flowcollector</c>
    /// with the password from a secret (<c>State__PostgreSql__ConnectionString</c>). Setting it switches to clustered mode.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How often each replica records in the database that it is alive (default 10 s).</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long past a missed check-in the other replicas wait before they declare a replica dead and re-run the
    /// collections it had in hand (default 20 s). A dead replica's targets are recovered about
    /// <see cref="CheckinInterval"/> + this after its last check-in.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How late a scheduled run may start (all replicas busy or down) before it counts as missed and is skipped to the
    /// next tick (default 5 min); a skipped tick costs nothing, the next run reads from the watermark.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class StateOptionsValidator : IValidateOptions<StateOptions>
{
    public ValidateOptionsResult Validate(string? name, StateOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!options.Clustered && string.IsNullOrWhiteSpace(options.SqlitePath))
        {
            result.AddError("State:SqlitePath is empty; set it to a file in a writable folder, e.g. data/flowcollector.db.");
        }

        if (options.Clustered)
        {
            ValidatePostgreSql(options.PostgreSql, result);
        }

        return result.Build();
    }

    private static void ValidatePostgreSql(PostgreSqlStateOptions options, ValidateOptionsResultBuilder result)
    {
        const string key = "State:PostgreSql";
        if (PostgreSqlConnection.TryParse(options.ConnectionString!, out var builder) is { } problem)
        {
            result.AddError($"{key}:ConnectionString {problem}");
        }
        else if (string.IsNullOrWhiteSpace(builder!.Host) || string.IsNullOrWhiteSpace(builder.Database) || string.IsNullOrWhiteSpace(builder.Username))
        {
            result.AddError($"{key}:ConnectionString must name Host, Database and Username (e.g. 'Host=postgres;Database=flowcollector;Username=flowcollector', password from a secret).");
        }

        Range(result, $"{key}:CheckinInterval", options.CheckinInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Range(result, $"{key}:CheckinMisfireThreshold", options.CheckinMisfireThreshold, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(result, $"{key}:MisfireThreshold", options.MisfireThreshold, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    private static void Range(ValidateOptionsResultBuilder result, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            result.AddError($"{key} is {value}; it must be between {min} and {max}.");
        }
    }
}

/// <summary>Connection-string handling that never lets the password into a message.</summary>
internal static class PostgreSqlConnection
{
    /// <summary>Parses <paramref name="connectionString"/>; returns a problem (without any value from it) or null.</summary>
    public static string? TryParse(string connectionString, out NpgsqlConnectionStringBuilder? builder)
    {
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // Npgsql's message can quote the offending value, which may be the password: say what is wrong without it.
            builder = null;
            return "is not a valid PostgreSQL connection string: use 'Key=value' pairs separated by ';' with Npgsql's keys (Host, Port, Database, Username, Password, SSL Mode, …).";
        }
    }

    /// <summary><c>user@host:port/database</c> — what a message may say about where the store is.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";

    /// <summary>Removes the password from <paramref name="text"/> should a driver ever echo it.</summary>
    public static string Redact(string text, NpgsqlConnectionStringBuilder builder) =>
        string.IsNullOrEmpty(builder.Password) ? text : text.Replace(builder.Password, "***", StringComparison.Ordinal);
}
