using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BillingConsole.Web.Workers;

public static class PeriodicWorkerRegistration
{
    /// <summary>Hosts <typeparamref name="TWorker"/> with what every <see cref="PeriodicWorker"/> shares: one
    /// <see cref="WorkerMetrics"/> per process, registered by whichever feature adds a worker first (a feature can be
    /// hosted alone, as its tests do).</summary>
    public static IServiceCollection AddPeriodicWorker<TWorker>(this IServiceCollection services) where TWorker : PeriodicWorker
    {
        services.TryAddSingleton<WorkerMetrics>();
        return services.AddHostedService<TWorker>();
    }
}
