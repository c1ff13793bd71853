using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Releases holds whose expiry passed (a gateway that crashed never settles), as source <c>system</c>.</summary>
public sealed class HoldExpiryWorker(LedgerWriter ledger, IOptions<WorkerOptions> options, TimeProvider clock, ILogger<HoldExpiryWorker> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HoldExpiryInterval, clock);
        do
        {
            try
            {
                int released;
                var total = 0;
                while ((released = await ledger.ReleaseExpiredAsync(500, stoppingToken)) > 0)
                    total += released;
                if (total > 0)
                    log.LogInformation("Released {Count} expired holds", total);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Releasing expired holds failed; retrying next tick");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
