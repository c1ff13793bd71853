using BillingConsole.Accounting.Statements;
using BillingConsole.Accounting.Usage;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 4: the reads behind GET /billing/usage (last 30 days by day and model, from the rollups), /billing/summary
/// and /billing/invoice (the last complete month), called through the same services the API calls, for a small account
/// and a big one seeded with realistic traffic over the same days; prints both and the big/small ratio.
/// </summary>
public static class ReadsScenario
{
    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var small = await TrafficSeeder.SeedAsync(db, "small", o.SmallRequests, o.Days, o.Out, o.ChunkRequests);
        var big = await TrafficSeeder.SeedAsync(db, "big", o.Requests, o.Days, o.Out, o.ChunkRequests);
        var usage = new UsageQueries(db.Factory);
        var statements = new StatementQueries(db.Factory);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var month = BillingMonth.Of(DateTime.UtcNow).Previous;

        var report = new BenchReport();
        var ratios = new List<string>();
        async Task CompareAsync<T>(string name, Func<long, Task<T>> query)
        {
            var (s, b) = await Measurements.TimeAlternatelyAsync(o.Runs, $"{name}, {small.Requests:N0} requests", () => query(small.AccountId),
                $"{name}, {big.Requests:N0} requests", () => query(big.AccountId));
            report.Rows.AddRange([s, b]);
            ratios.Add($"{name}: big/small p50 {b.Percentile(50) / s.Percentile(50):N2}x (target <= 2x), big p50 {b.Percentile(50):N1} ms (target < 100 ms)");
        }
        await CompareAsync("usage 30 days day,model", account => usage.GetUsageAsync(account, today.AddDays(-29), today, UsageGrouping.Default));
        await CompareAsync($"summary {month}", account => usage.GetSummaryAsync(account, month));
        await CompareAsync($"invoice {month}", account => statements.GetStatementAsync(account, month));

        report.Print(o.Out);
        foreach (var line in ratios)
            o.Out.WriteLine(line);
        return report;
    }
}
