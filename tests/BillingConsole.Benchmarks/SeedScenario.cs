using System.Diagnostics;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 7: the data generator in bulk mode. Seeds one account with N metered calls over D days
/// (<see cref="TrafficSeeder"/>) and reports requests/s, ledger entries/s and the peak working set.
/// </summary>
public static class SeedScenario
{
    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var seeded = await TrafficSeeder.SeedAsync(db, "seeded", o.Requests, o.Days, o.Out, o.ChunkRequests);
        var row = new Measurements($"seed {o.Provider} {o.Requests:N0} requests (bulk)") { Elapsed = seeded.Elapsed, Operations = seeded.Requests };
        row.Add(seeded.Elapsed.TotalMilliseconds);
        var report = new BenchReport();
        report.Rows.Add(row);
        report.Print(o.Out);
        using var process = Process.GetCurrentProcess();
        o.Out.WriteLine($"requests/s: {seeded.Requests / seeded.Elapsed.TotalSeconds:N0} (target >= 50,000); entries/s: {seeded.Entries / seeded.Elapsed.TotalSeconds:N0}; " +
                        $"elapsed: {seeded.Elapsed.TotalSeconds:N1} s; peak working set: {process.PeakWorkingSet64 / 1048576.0:N0} MB");
        // Each chunk's in-flight call has no request record yet (and is dropped but for the last chunk).
        if (seeded.Requests < o.Requests - TrafficSeeder.Chunks(o.Requests, o.Days, o.ChunkRequests))
            report.Failure = $"expected about {o.Requests:N0} request records, found {seeded.Requests:N0}";
        return report;
    }
}
