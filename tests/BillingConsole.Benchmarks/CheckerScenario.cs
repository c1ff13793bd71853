using System.Diagnostics;
using BillingConsole.Accounting.Invariants;
using BillingConsole.Accounting.Ledger;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 5: the invariant checker. Seeds about N ledger entries of realistic traffic (a metered call is two entries),
/// times a full sweep, then appends K entries (reserve+settle pairs through <see cref="LedgerWriter"/>) to the same
/// account and times the incremental run that verifies them, next to an incremental run with nothing new.
/// </summary>
public static class CheckerScenario
{
    private static readonly Origin Bench = new(EntrySources.MeteringApi, "bench");

    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var seeded = await TrafficSeeder.SeedAsync(db, "checked", Math.Max(1, o.Entries / 2), o.Days, o.Out, o.ChunkRequests);
        var checker = new InvariantChecker(db.Factory, TimeProvider.System);
        var report = new BenchReport();

        var full = await TimeRunAsync(checker, InvariantCheckMode.Full, $"full sweep, {seeded.Entries:N0} entries", report, r => r.EntriesChecked);
        var idle = await TimeRunAsync(checker, InvariantCheckMode.Incremental, "incremental, nothing new", report, _ => 1);

        var ledger = new LedgerWriter(db.Factory, db.Dialect, TimeProvider.System);
        var pairs = Math.Max(1, o.Appends / 2);
        for (var i = 0; i < pairs; i++)
        {
            var hold = await ledger.ReserveAsync(new ReserveRequest(seeded.AccountId, new Money(1_000_000), "Bench hold", Bench));
            var reservation = hold.Value ?? throw new InvalidOperationException(hold.Failure!.Message);
            var settled = await ledger.SettleAsync(new SettleRequest(seeded.AccountId, reservation.ReservationId, new Money(400_000), "Bench settle", Bench));
            if (!settled.Succeeded)
                throw new InvalidOperationException(settled.Failure!.Message);
        }
        var incremental = await TimeRunAsync(checker, InvariantCheckMode.Incremental, $"incremental, {pairs * 2:N0} new entries", report, r => r.EntriesChecked);

        report.Print(o.Out);
        foreach (var note in report.Notes)
            o.Out.WriteLine(note);
        o.Out.WriteLine($"full sweep: {full.Elapsed.TotalSeconds:N1} s for {seeded.Entries:N0} entries ({full.PerSecond:N0} entries/s; target <= 60 s for 10M); " +
                        $"incremental: {incremental.Elapsed.TotalMilliseconds / (pairs * 2):N3} ms per new entry " +
                        $"({incremental.Elapsed.TotalMilliseconds:N0} ms for {pairs * 2:N0}, {idle.Elapsed.TotalMilliseconds:N0} ms with nothing new); " +
                        $"violations: {report.Violations}");
        return report;
    }

    private static async Task<Measurements> TimeRunAsync(InvariantChecker checker, InvariantCheckMode mode, string name, BenchReport report,
        Func<InvariantRun, long> operations)
    {
        var watch = Stopwatch.StartNew();
        var run = await checker.RunAsync(mode);
        watch.Stop();
        var m = new Measurements(name) { Elapsed = watch.Elapsed, Operations = operations(run) };
        m.Add(watch.Elapsed.TotalMilliseconds);
        report.Rows.Add(m);
        report.Violations += run.ViolationCount;
        foreach (var v in run.Violations.Take(10))
            report.Notes.Add($"{name}: violation {v.Kind} on account {v.AccountId}: {v.Detail}");
        return m;
    }
}
