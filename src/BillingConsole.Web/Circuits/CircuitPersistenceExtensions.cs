using BillingConsole.Web.Circuits;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class CircuitPersistenceExtensions
{
    /// <summary>A circuit's state outlives its instance: a circuit paused by the browser (<c>Blazor.pauseCircuit()</c>)
    /// hands its state, protected with the shared Data Protection keys, to the browser; a circuit evicted after its
    /// disconnected retention stores it in <c>distributed_cache</c> through HybridCache. Either way any instance of the
    /// deployment can resume it. An instance asked to stop first has its circuits paused that way (<see cref="LiveCircuits"/>).</summary>
    public static WebApplicationBuilder AddCircuitPersistence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CircuitPersistenceOptions>().BindConfiguration(CircuitPersistenceOptions.Section);
        builder.Services.RemoveAll<IDistributedCache>();
        builder.Services.AddSingleton<DatabaseDistributedCache>();
        builder.Services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<DatabaseDistributedCache>());
        builder.Services.AddHybridCache();
        builder.Services.AddOptions<CircuitOptions>().Configure<HybridCache, Microsoft.Extensions.Options.IOptions<CircuitPersistenceOptions>>((o, cache, persistence) =>
        {
            o.HybridPersistenceCache = cache;
            o.DisconnectedCircuitRetentionPeriod = persistence.Value.DisconnectedRetention;
            o.PersistedCircuitDistributedRetentionPeriod = persistence.Value.PersistedRetention;
            o.PersistedCircuitInMemoryRetentionPeriod = persistence.Value.PersistedInMemoryRetention;
        });
        builder.Services.AddSingleton<LiveCircuits>();
        builder.Services.AddScoped<CircuitHandler, LiveCircuitsHandler>();
        builder.Services.AddTransient<IStartupFilter, RefuseCircuitsWhileStopping>();
        return builder;
    }
}
