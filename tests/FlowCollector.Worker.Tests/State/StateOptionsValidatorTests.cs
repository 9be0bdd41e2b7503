using FlowCollector.State;

namespace FlowCollector.Worker.Tests.State;

public sealed class StateOptionsValidatorTests
{
    [Theory]
    [InlineData(null, "00:00:10", "00:00:20", "00:05:00", "")]
    [InlineData("Host=db;Database=flow;Username=flow;Password=p4ss", "00:00:10", "00:00:20", "00:05:00", "")]
    [InlineData("Host=db;Database=flow;Username=flow;Password=p4ss;Bogus Key=p4ss", "00:00:10", "00:00:20", "00:05:00", "State:PostgreSql:ConnectionString is not a valid PostgreSQL connection string")]
    [InlineData("Host=db;Username=flow;Password=p4ss", "00:00:10", "00:00:20", "00:05:00", "State:PostgreSql:ConnectionString must name Host, Database and Username")]
    [InlineData("Host=db;Database=flow;Username=flow", "00:00:00.100", "00:00:20", "00:05:00", "State:PostgreSql:CheckinInterval is 00:00:00.1000000; it must be between")]
    [InlineData("Host=db;Database=flow;Username=flow", "00:00:10", "00:20:00", "00:05:00", "State:PostgreSql:CheckinMisfireThreshold is 00:20:00; it must be between")]
    [InlineData("Host=db;Database=flow;Username=flow", "00:00:10", "00:00:20", "00:00:00", "State:PostgreSql:MisfireThreshold is 00:00:00; it must be between")]
    public void Each_problem_names_the_key_and_never_the_password(string? connectionString, string checkin, string checkinMisfire, string misfire, string expected)
    {
        var options = new StateOptions
        {
            PostgreSql = new PostgreSqlStateOptions
            {
                ConnectionString = connectionString,
                CheckinInterval = TimeSpan.Parse(checkin, System.Globalization.CultureInfo.InvariantCulture),
                CheckinMisfireThreshold = TimeSpan.Parse(checkinMisfire, System.Globalization.CultureInfo.InvariantCulture),
                MisfireThreshold = TimeSpan.Parse(misfire, System.Globalization.CultureInfo.InvariantCulture),
            },
        };

        var result = new StateOptionsValidator().Validate(null, options);

        if (expected.Length == 0)
        {
            Assert.True(result.Succeeded, result.FailureMessage);
        }
        else
        {
            var failure = Assert.Single(result.Failures!);
            Assert.StartsWith(expected, failure, StringComparison.Ordinal);
            Assert.DoesNotContain("p4ss", failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Without_a_connection_string_the_embedded_store_is_used_and_the_cluster_settings_are_not_checked()
    {
        var options = new StateOptions { PostgreSql = new PostgreSqlStateOptions { CheckinInterval = TimeSpan.Zero } };

        Assert.False(options.Clustered);
        Assert.True(new StateOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(new StateOptionsValidator().Validate(null, new StateOptions { SqlitePath = " " }).Succeeded);
    }
}
