using BillingConsole.Accounting.Payments;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Starts auto-recharges for accounts below their threshold (see <see cref="PaymentsService.RunAutoRechargeAsync"/>)
/// every <see cref="PaymentsOptions.AutoRechargeInterval"/>.</summary>
public sealed class AutoRechargeWorker(PaymentsService payments, IOptions<PaymentsOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<AutoRechargeWorker> log) : PeriodicWorker(clock, metrics, log)
{
    public override string Name => "AutoRecharge";

    protected override TimeSpan Interval => options.Value.AutoRechargeInterval;

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        var run = await payments.RunAutoRechargeAsync(ct);
        var summary = $"{run.Started} charges started, {run.Credited} granted, {run.Failed} failed, {run.Skipped} skipped";
        return run.Started + run.Credited + run.Failed > 0 ? WorkerRunResult.Worked(summary) : WorkerRunResult.Idle(summary);
    }
}
