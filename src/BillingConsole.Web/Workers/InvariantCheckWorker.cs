using BillingConsole.Accounting.Invariants;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Runs a full invariant check at start and then every <see cref="WorkerOptions.FullCheckInterval"/>, and an
/// incremental one every <see cref="WorkerOptions.IncrementalCheckInterval"/>. Violations are logged as errors and
/// recorded for the admin console.</summary>
public sealed class InvariantCheckWorker(InvariantChecker checker, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<InvariantCheckWorker> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.IncrementalCheckInterval, clock);
        var lastFull = DateTimeOffset.MinValue;
        do
        {
            var full = clock.GetUtcNow() - lastFull >= settings.FullCheckInterval;
            try
            {
                var run = await checker.RunAsync(full ? InvariantCheckMode.Full : InvariantCheckMode.Incremental, ct: stoppingToken);
                if (full)
                    lastFull = clock.GetUtcNow();
                if (run.ViolationCount > 0)
                    log.LogError("Invariant check {Mode} found {Count} violations (run {RunId})", run.Mode, run.ViolationCount, run.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Invariant check failed; retrying next tick");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
