using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Accounting.Diagnostics;

/// <summary>
/// The ledger's instruments on the <c>BillingConsole.Ledger</c> meter and activity source: every write by operation,
/// entry type, outcome (<c>written</c>, <c>replayed</c>, <c>refused</c>, <c>error</c>) and refusal code, its latency,
/// and the invariant checker's runs and violations. Static, like the runtime's own meters: the engine is built without a
/// container in many places, and listeners (OpenTelemetry, dotnet-counters) find a meter by name either way.
/// </summary>
public static class LedgerMetrics
{
    public const string MeterName = "BillingConsole.Ledger";
    public const string WritesName = "billing.ledger.writes";
    public const string DurationName = "billing.ledger.write.duration";
    public const string CheckerRunsName = "billing.invariant.runs";
    public const string ViolationsName = "billing.invariant.violations";

    public static readonly ActivitySource Source = new(MeterName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Writes = Meter.CreateCounter<long>(WritesName, "{write}", "Ledger writes by operation, entry type, outcome and refusal code.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(DurationName, "s", "Ledger write latency, retries and refusal explanations included.");
    private static readonly Counter<long> CheckerRuns = Meter.CreateCounter<long>(CheckerRunsName, "{run}", "Invariant checker runs by mode and result.");
    private static readonly Counter<long> Violations = Meter.CreateCounter<long>(ViolationsName, "{violation}", "Violations the invariant checker found, by mode.");

    /// <summary>Runs one ledger operation inside a trace span and records its outcome and latency.</summary>
    public static async Task<LedgerResult<T>> MeasureAsync<T>(string operation, string type, long? accountId, Func<Task<LedgerResult<T>>> write,
        long? reservationId = null)
        where T : class
    {
        using var activity = Source.StartActivity("ledger " + operation);
        activity?.SetTag("billing.ledger.operation", operation);
        activity?.SetTag("billing.ledger.type", type);
        activity?.SetTag("billing.account_id", accountId);
        activity?.SetTag("billing.reservation_id", reservationId);
        var started = Stopwatch.GetTimestamp();
        string outcome = "error", code = "";
        try
        {
            var result = await write();
            (outcome, code) = result switch
            {
                { Failure: { } failure } => ("refused", CodeOf(failure.Error)),
                { Value: PostedEntry { Replayed: true } or ReservationHold { Replayed: true } or HoldResolution { Replayed: true } } => ("replayed", ""),
                _ => ("written", ""),
            };
            return result;
        }
        finally
        {
            var tags = new TagList { { "operation", operation }, { "type", type }, { "outcome", outcome }, { "code", code } };
            Writes.Add(1, tags);
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList { { "operation", operation }, { "outcome", outcome } });
            activity?.SetTag("billing.ledger.outcome", outcome);
            if (code.Length > 0)
                activity?.SetTag("billing.ledger.code", code);
            if (outcome == "error")
                activity?.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>One finished invariant check (the worker's and an admin's on demand alike).</summary>
    public static void CheckerRan(InvariantCheckMode mode, int violations)
    {
        var name = mode.ToString().ToLowerInvariant();
        CheckerRuns.Add(1, new TagList { { "mode", name }, { "result", violations == 0 ? "clean" : "violations" } });
        if (violations > 0)
            Violations.Add(violations, new TagList { { "mode", name } });
    }

    /// <summary>The refusal's API code (<c>InsufficientCredits</c> → <c>insufficient_credits</c>, as problem+json names it).</summary>
    public static string CodeOf(LedgerError error) => JsonNamingPolicy.SnakeCaseLower.ConvertName(error.ToString());
}
