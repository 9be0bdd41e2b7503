using FlowCollector.Domain.Ports;
using FlowCollector.State;
using FlowCollector.State.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FlowCollector.Worker.Scheduling;

/// <summary>
/// How many replicas spend the API budgets: the Quartz cluster's nodes that checked in recently
/// (<c>qrtz_scheduler_state</c>), re-counted at most once per check-in interval in the background, so a request never
/// waits for the database. 1 without the PostgreSQL store, before the first count, and while the database is unreachable
/// the last count stands.
/// </summary>
internal sealed partial class QuartzClusterReplicas : IBudgetSharing, IAsyncDisposable
{
    private const string CountSql =
        "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = @scheduler AND last_checkin_time >= @since";

    // The first count can come before the migration has created the table (the discovery's first requests precede
    // the scheduler's start): asking the catalog first keeps an ERROR line out of the database log at every cold start.
    private const string TableExistsSql = "SELECT to_regclass('qrtz_scheduler_state') IS NOT NULL";

    private readonly PostgreSqlStateOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<QuartzClusterReplicas> logger;
    private readonly Lazy<NpgsqlDataSource>? dataSource;
    private readonly Lock gate = new();
    private int replicas = 1;
    private DateTimeOffset countedAt = DateTimeOffset.MinValue;
    private bool counting;
    private bool tableSeen;

    public QuartzClusterReplicas(IOptions<StateOptions> state, TimeProvider time, ILogger<QuartzClusterReplicas> logger)
    {
        ArgumentNullException.ThrowIfNull(state);
        options = state.Value.PostgreSql;
        this.time = time;
        this.logger = logger;
        if (state.Value.Clustered && PostgreSqlConnection.TryParse(options.ConnectionString!, out var builder) is null)
        {
            // One connection is plenty for one small query per check-in interval.
            builder!.MaxPoolSize = 1;
            dataSource = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(builder));
        }
    }

    public int Replicas
    {
        get
        {
            if (dataSource is null)
            {
                return 1;
            }

            lock (gate)
            {
                if (!counting && time.GetUtcNow() - countedAt >= options.CheckinInterval)
                {
                    counting = true;
                    _ = Task.Run(CountAsync);
                }

                return replicas;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is { IsValueCreated: true } created)
        {
            await created.Value.DisposeAsync();
        }
    }

    /// <summary>Nodes whose last check-in is younger than a missed check-in plus the misfire threshold (Quartz stores UTC ticks).</summary>
    private async Task CountAsync()
    {
        var now = time.GetUtcNow();
        var since = now - options.CheckinInterval - options.CheckinMisfireThreshold;
        int? counted = null;
        try
        {
            if (!tableSeen)
            {
                await using var exists = dataSource!.Value.CreateCommand(TableExistsSql);
                tableSeen = await exists.ExecuteScalarAsync(CancellationToken.None) is true;
                if (!tableSeen)
                {
                    return;
                }
            }

            await using var command = dataSource!.Value.CreateCommand(CountSql);
            command.Parameters.AddWithValue("scheduler", SchedulingServiceCollectionExtensions.SchedulerName);
            command.Parameters.AddWithValue("since", since.UtcTicks);
            counted = Convert.ToInt32(await command.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Advisory: pacing on the last count is better than failing a collection over it.
            LogNotCounted(logger, e.Message);
        }
        finally
        {
            lock (gate)
            {
                replicas = Math.Max(1, counted ?? replicas);
                countedAt = now;
                counting = false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not count the cluster's replicas for API budget sharing: {Problem}")]
    private static partial void LogNotCounted(ILogger logger, string problem);
}
