using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Health;

/// <summary>Each background worker succeeded within <see cref="HealthOptions.WorkerStaleAfterIntervals"/> of its
/// intervals (holds expire, the checker runs, recharges go out). The data holds each worker's lag in seconds.</summary>
public sealed class WorkersHealthCheck(IWorkerRunSource runs, TimeProvider clock, IOptions<HealthOptions> options) : IHealthCheck
{
    public const string Name = "workers";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var k = Math.Max(1, options.Value.WorkerStaleAfterIntervals);
        var lags = new Dictionary<string, object>();
        var stale = new List<string>();
        foreach (var worker in await runs.GetAsync(ct))
        {
            var lag = now - (worker.LastSuccessAt ?? worker.StartedAt);
            lags[worker.Worker] = Math.Round(Math.Max(0, lag.TotalSeconds), 1);
            if (worker.Interval > TimeSpan.Zero && lag > worker.Interval * k)
                stale.Add($"{worker.Worker} (no successful run for {lag.TotalSeconds:F0} s, interval {worker.Interval.TotalSeconds:F0} s)");
        }
        return stale.Count == 0
            ? HealthCheckResult.Healthy("Every worker ran recently.", lags)
            : HealthCheckResult.Unhealthy($"Stale workers: {string.Join("; ", stale)}.", data: lags);
    }
}
