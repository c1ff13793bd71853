using BillingConsole.Accounting.Alerts;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Evaluates every alert rule each <see cref="AlertOptions.EvaluationInterval"/>.</summary>
public sealed class AlertEvaluationWorker(AlertEvaluator evaluator, IOptions<AlertOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<AlertEvaluationWorker> log) : PeriodicWorker(clock, metrics, log)
{
    public override string Name => "AlertEvaluation";

    protected override TimeSpan Interval => options.Value.EvaluationInterval;

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        var transitions = await evaluator.EvaluateAsync(null, ct);
        return transitions > 0 ? WorkerRunResult.Worked($"{transitions} alert transitions") : WorkerRunResult.Idle("no alert changed");
    }
}
