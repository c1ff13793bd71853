using BillingConsole.Accounting.Ledger;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Releases holds whose expiry passed (a gateway that crashed never settles), as source <c>system</c>, every
/// <see cref="WorkerOptions.HoldExpiryInterval"/>.</summary>
public sealed class HoldExpiryWorker(LedgerWriter ledger, IOptions<WorkerOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<HoldExpiryWorker> log) : PeriodicWorker(clock, metrics, log)
{
    public override string Name => "HoldExpiry";

    protected override TimeSpan Interval => options.Value.HoldExpiryInterval;

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        int released;
        var total = 0;
        // In batches, so one run never holds a long transaction however many holds expired at once.
        while ((released = await ledger.ReleaseExpiredAsync(500, ct)) > 0)
            total += released;
        return total > 0 ? WorkerRunResult.Worked($"released {total} expired holds") : WorkerRunResult.Idle("no expired holds");
    }
}
