using BillingConsole.Accounting.Invariants;
using BillingConsole.Web.Hosting;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Workers;

/// <summary>Runs a full invariant check at start and then every <see cref="WorkerOptions.FullCheckInterval"/>, and an
/// incremental one every <see cref="WorkerOptions.IncrementalCheckInterval"/>. Violations are logged as errors and
/// recorded for the admin console.</summary>
public sealed class InvariantCheckWorker(InvariantChecker checker, IOptions<WorkerOptions> options, TimeProvider clock, WorkerMetrics metrics,
    ILogger<InvariantCheckWorker> log) : PeriodicWorker(clock, metrics, log)
{
    // Only the worker's own loop touches it (runs never overlap).
    private DateTimeOffset _lastFull = DateTimeOffset.MinValue;

    public override string Name => "InvariantCheck";

    protected override TimeSpan Interval => options.Value.IncrementalCheckInterval;

    protected override async Task<WorkerRunResult> RunOnceAsync(CancellationToken ct)
    {
        var full = Clock.GetUtcNow() - _lastFull >= options.Value.FullCheckInterval;
        var run = await checker.RunAsync(full ? InvariantCheckMode.Full : InvariantCheckMode.Incremental, ct: ct);
        if (full)
            _lastFull = Clock.GetUtcNow();
        if (run.ViolationCount > 0)
            Log.LogError("Invariant check {Mode} found {Count} violations (run {RunId})", run.Mode, run.ViolationCount, run.Id);
        // Every check is real work (it records a run the admin console shows), so it is logged at Information.
        return WorkerRunResult.Worked($"{run.Mode} check, {run.ViolationCount} violations (run {run.Id})");
    }
}
