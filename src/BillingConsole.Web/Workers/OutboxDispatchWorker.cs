using BillingConsole.Accounting.Alerts;
using BillingConsole.Web.Alerts;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Delivers due outbox messages each <see cref="AlertOptions.DispatchInterval"/>, draining full batches.</summary>
public sealed class OutboxDispatchWorker(OutboxDispatcher dispatcher, IOptions<AlertOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<OutboxDispatchWorker> log) : PeriodicWorker(clock, metrics, log)
{
    public override string Name => "OutboxDispatch";

    protected override TimeSpan Interval => options.Value.DispatchInterval;

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        int tried, total = 0;
        while ((tried = await dispatcher.DispatchDueAsync(ct)) > 0)
        {
            total += tried;
            if (tried < OutboxDispatcher.BatchSize)
                break;
        }
        return total > 0 ? WorkerRunResult.Worked($"{total} deliveries attempted") : WorkerRunResult.Idle("nothing due");
    }
}
