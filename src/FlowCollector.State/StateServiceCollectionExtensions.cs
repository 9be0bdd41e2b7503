using FlowCollector.Domain.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlowCollector.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>
    /// The embedded SQLite state store, or — when <c>State:PostgreSql:ConnectionString</c> is set — the PostgreSQL store
    /// shared by several replicas (which also keeps the API budget per credential).
    /// </summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StateOptions, StateOptionsValidator>().Bind(configuration.GetSection(StateOptions.SectionName));
        if (StateOptions.From(configuration).Clustered)
        {
            services.AddSingleton<PostgresStateStore>();
            services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<PostgresStateStore>());
            services.AddSingleton<IApiBudgetStore>(sp => sp.GetRequiredService<PostgresStateStore>());
        }
        else
        {
            services.AddSingleton<IStateStore, SqliteStateStore>();
        }

        return services;
    }
}
