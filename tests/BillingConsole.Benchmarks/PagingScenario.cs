using System.Diagnostics;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Benchmarks;

/// <summary>
/// Scenario 3: a 50-row transactions page at the newest end and at depth N of an N-entry account (keyset), next to
/// the same depth with OFFSET, and the balance read of an N-entry account next to a 1,000-entry one.
/// Also reports the bulk loader's rate (scenario 7's seeding speed for ledger entries).
/// </summary>
public static class PagingScenario
{
    public static async Task<BenchReport> RunAsync(BenchOptions o)
    {
        await using var db = await BenchDatabase.CreateAsync(o);
        var big = await SeedAsync(db, o.Out, "deep", o.Entries);
        var small = await SeedAsync(db, o.Out, "shallow", 1_000);
        var queries = new LedgerQueries(db.Factory, TimeProvider.System);

        long oldestPageCursor;
        await using (var context = await db.Factory.CreateDbContextAsync())
            oldestPageCursor = await context.LedgerEntries.Where(e => e.AccountId == big).OrderBy(e => e.Id).Skip(50).Select(e => e.Id).FirstAsync();

        var (first, deep) = await Measurements.TimeAlternatelyAsync(o.Runs, "first page (keyset)", () => queries.GetTransactionsAsync(big, 50),
            $"page at depth {o.Entries:N0} (keyset)", () => queries.GetTransactionsAsync(big, 50, oldestPageCursor));
        var offset = await Measurements.TimeAsync(Math.Max(1, o.Runs / 10), $"page at depth {o.Entries:N0} (OFFSET)", async () =>
        {
            await using var context = await db.Factory.CreateDbContextAsync();
            return await context.LedgerEntries.Where(e => e.AccountId == big).OrderByDescending(e => e.Id)
                .Skip((int)o.Entries - 50).Take(50).ToListAsync();
        });
        var (balanceBig, balanceSmall) = await Measurements.TimeAlternatelyAsync(o.Runs,
            $"balance, {o.Entries:N0} entries", () => queries.GetBalanceAsync(big), "balance, 1,000 entries", () => queries.GetBalanceAsync(small));

        var report = new BenchReport();
        report.Rows.AddRange([first, deep, offset, balanceBig, balanceSmall]);
        report.Print(o.Out);
        o.Out.WriteLine($"deep keyset page / first page: {deep.Percentile(50) / first.Percentile(50):N2}x (target <= 2x); " +
                          $"OFFSET / keyset at depth: {offset.Percentile(50) / deep.Percentile(50):N1}x; " +
                          $"balance {o.Entries:N0} / 1,000 entries: {balanceBig.Percentile(50) / balanceSmall.Percentile(50):N2}x (target <= 1.2x)");
        return report;
    }

    private static async Task<long> SeedAsync(BenchDatabase db, TextWriter output, string name, long entries)
    {
        var account = await db.CreateAccountAsync(name, Money.Zero);
        var start = DateTime.UtcNow.AddDays(-30);
        var origin = new Origin(EntrySources.System, "bench");
        var events = new List<TrafficEvent>((int)entries);
        for (long i = 0; i < entries; i++)
        {
            var credit = i % 2 == 0;
            events.Add(new PostEvent(start.AddTicks(i * 10), account, credit ? EntryTypes.Topup : EntryTypes.UsageDebit,
                credit ? 3_000_000 : -2_000_000, credit ? "Bench credit" : "Bench usage", origin, null, $"b{i}"));
        }
        var watch = Stopwatch.StartNew();
        await new BulkTrafficLoader(db.Factory, db.Dialect).LoadAsync(account, events);
        output.WriteLine($"seeded {entries:N0} entries for '{name}' in {watch.Elapsed.TotalSeconds:N1} s ({entries / watch.Elapsed.TotalSeconds:N0} entries/s, bulk loader)");
        return account;
    }
}
