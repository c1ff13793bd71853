using BillingConsole.Accounting.Payments;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Payments;

/// <summary>Starts auto-recharges for accounts below their threshold (see <see cref="PaymentsService.RunAutoRechargeAsync"/>).</summary>
public sealed class AutoRechargeWorker(PaymentsService payments, IOptions<PaymentsOptions> options, TimeProvider clock, ILogger<AutoRechargeWorker> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AutoRechargeInterval, clock);
        do
        {
            try
            {
                var run = await payments.RunAutoRechargeAsync(stoppingToken);
                if (run.Started + run.Credited + run.Failed > 0)
                    log.LogInformation("Auto-recharge: {Started} charges started, {Credited} granted, {Failed} failed, {Skipped} skipped",
                        run.Started, run.Credited, run.Failed, run.Skipped);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Auto-recharge pass failed; retrying next tick");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
