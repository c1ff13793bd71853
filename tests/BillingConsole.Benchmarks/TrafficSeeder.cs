using System.Diagnostics;
using BillingConsole.Accounting.Catalog;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Demo;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Benchmarks;

/// <summary>What one seeding wrote and how long it took.</summary>
public sealed record SeededAccount(long AccountId, long Requests, long Entries, TimeSpan Elapsed);

/// <summary>
/// An account with four API keys and <see cref="TrafficGenerator"/>'s realistic traffic, written by
/// <see cref="BulkTrafficLoader"/>. The loader keeps a whole load in memory, so a large history is generated and loaded
/// in chunks of consecutive days (at most <c>requestsPerChunk</c> calls each, 1M by default): every chunk is a plan of its own
/// with its own seed, its idempotency keys prefixed so they stay unique, and its in-flight call dropped except in the
/// last chunk (the next load needs an account without open holds, as the loader requires).
/// </summary>
public static class TrafficSeeder
{
    public static async Task<SeededAccount> SeedAsync(BenchDatabase db, string name, long requests, int days, TextWriter output,
        long requestsPerChunk = 1_000_000)
    {
        var (accountId, keyIds) = await CreateAccountAsync(db, name);
        var catalog = new PriceCatalog(db.Factory);
        await catalog.ReloadAsync();
        var loader = new BulkTrafficLoader(db.Factory, db.Dialect);
        var chunks = Chunks(requests, days, requestsPerChunk);
        var now = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        long written = 0;
        var generating = TimeSpan.Zero;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            var (firstDay, lastDay) = (days * chunk / chunks, days * (chunk + 1) / chunks);
            var last = chunk == chunks - 1;
            var chunkRequests = last ? requests - written : requests * (lastDay - firstDay) / days;
            var end = last ? now : now.Date.AddDays(lastDay - days);
            var generated = Stopwatch.GetTimestamp();
            var plan = new TrafficPlan(accountId, keyIds, lastDay - firstDay, (int)chunkRequests, end, Seed: 20261123 + chunk);
            var events = TrafficGenerator.Generate(plan, catalog)
                .Where(e => last || e is not CallEvent { End: CallEnd.InFlight })
                .Select(e => e switch
                {
                    PostEvent p => p with { IdempotencyKey = $"c{chunk}-{p.IdempotencyKey}" },
                    CallEvent c => c with { IdempotencyKey = $"c{chunk}-{c.IdempotencyKey}" },
                    _ => e,
                })
                .ToList();
            generating += Stopwatch.GetElapsedTime(generated);
            await loader.LoadAsync(accountId, events);
            written += chunkRequests;
            if (chunks > 1)
                output.WriteLine($"  '{name}': {written:N0} of {requests:N0} requests after {watch.Elapsed.TotalSeconds:N0} s");
        }
        watch.Stop();
        await using var context = await db.Factory.CreateDbContextAsync();
        var entries = await context.Accounts.Where(a => a.Id == accountId).Select(a => a.LastSequence).SingleAsync();
        var seeded = new SeededAccount(accountId, await context.RequestRecords.LongCountAsync(r => r.AccountId == accountId), entries, watch.Elapsed);
        output.WriteLine($"seeded '{name}': {seeded.Requests:N0} request records, {seeded.Entries:N0} ledger entries over {days} days in " +
                         $"{seeded.Elapsed.TotalSeconds:N1} s ({seeded.Requests / seeded.Elapsed.TotalSeconds:N0} requests/s, bulk loader; " +
                         $"{generating.TotalSeconds:N1} s of it generating the traffic)");
        return seeded;
    }

    public static int Chunks(long requests, int days, long requestsPerChunk) =>
        (int)Math.Clamp((requests + requestsPerChunk - 1) / requestsPerChunk, 1, days);

    private static async Task<(long AccountId, List<long> KeyIds)> CreateAccountAsync(BenchDatabase db, string name)
    {
        var accountId = await db.CreateAccountAsync(name, Money.Zero);
        await using var context = await db.Factory.CreateDbContextAsync();
        var keys = new[] { "Production", "Support bot", "Staging", "Data pipeline" }.Select(keyName =>
        {
            var secret = $"bc_bench_{Guid.NewGuid():N}";
            return new ApiKey
            {
                AccountId = accountId, Name = keyName, Prefix = ApiKey.PrefixOf(secret), SecretHash = ApiKey.Hash(secret), CreatedAt = DateTime.UtcNow,
            };
        }).ToList();
        context.ApiKeys.AddRange(keys);
        await context.SaveChangesAsync();
        return (accountId, keys.Select(k => k.Id).ToList());
    }
}
