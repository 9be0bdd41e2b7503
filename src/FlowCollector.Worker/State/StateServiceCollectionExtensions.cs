using FlowCollector.Domain.Ports;

namespace FlowCollector.Worker.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>The embedded SQLite state store (the PostgreSQL store for several replicas plugs in here).</summary>
    public static IServiceCollection AddStateStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StateOptions, StateOptionsValidator>().Bind(configuration.GetSection(StateOptions.SectionName));
        services.AddSingleton<IStateStore, SqliteStateStore>();
        return services;
    }
}
