using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using BillingConsole.Accounting.Metering;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>Rule 6: the tables derived from settlements agree with the ledger.</summary>
public sealed partial class InvariantChecker
{
    private sealed record Totals(long Calls, long Input, long Output, long Cached, long Cost, long MarketCost, long Quantity);

    /// <summary>Compares the derived tables of <paramref name="accountIds"/> with the ledger: all of their history, or
    /// (incrementally) the UTC days from <paramref name="since"/> on. A usage rollup's day is the day its calls' request
    /// records completed, so both sides of every comparison cover the same calls.</summary>
    private static async Task CheckDerivedAsync(BillingDbContext db, InvariantRun run, List<long> accountIds, DateOnly? since, CancellationToken ct)
    {
        if (accountIds.Count == 0)
            return;
        var start = since?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var settledRecords = db.RequestRecords.Where(q => accountIds.Contains(q.AccountId) && (start == null || q.CompletedAt >= start)
            && (q.Status == RequestStatus.Success || q.Status == RequestStatus.Error));
        var fromRecords = await settledRecords.GroupBy(q => q.AccountId)
            .Select(g => new { g.Key, T = new Totals(g.LongCount(), g.Sum(q => q.InputTokens), g.Sum(q => q.OutputTokens), g.Sum(q => q.CachedTokens), g.Sum(q => q.Cost), g.Sum(q => q.MarketCost), g.Sum(q => q.Quantity)) })
            .ToDictionaryAsync(x => x.Key, x => x.T, ct);
        var fromRollups = await db.UsageRollups.Where(u => accountIds.Contains(u.AccountId) && (start == null || u.Day >= start)).GroupBy(u => u.AccountId)
            .Select(g => new { g.Key, T = new Totals(g.Sum(u => u.Calls), g.Sum(u => u.InputTokens), g.Sum(u => u.OutputTokens), g.Sum(u => u.CachedTokens), g.Sum(u => u.Cost), g.Sum(u => u.MarketCost), g.Sum(u => u.Quantity)) })
            .ToDictionaryAsync(x => x.Key, x => x.T, ct);
        // What the ledger charged for the same calls: −(hold + settlement) per settled call, found from its record, and
        // −(hold + release + late charge) per call settled after its hold expired.
        var fromLedger = await (from q in settledRecords
                                join r in db.Reservations on q.ReservationId equals r.Id
                                join e in db.LedgerEntries on r.Id equals e.ReservationId
                                where (r.Status == ReservationStatus.Settled && (e.Type == EntryTypes.Reservation || e.Type == EntryTypes.Settlement))
                                      || (r.Status == ReservationStatus.SettledLate
                                          && (e.Type == EntryTypes.Reservation || e.Type == EntryTypes.Release || e.Type == EntryTypes.UsageDebit))
                                group e by q.AccountId into g
                                select new { g.Key, Charged = -g.Sum(e => e.Amount) })
            .ToDictionaryAsync(x => x.Key, x => x.Charged, ct);
        var empty = new Totals(0, 0, 0, 0, 0, 0, 0);
        foreach (var accountId in accountIds)
        {
            var records = fromRecords.GetValueOrDefault(accountId) ?? empty;
            var rollups = fromRollups.GetValueOrDefault(accountId) ?? empty;
            if (records != rollups)
                Add(run, accountId, "rollup_mismatch", $"Usage rollups {rollups} differ from the settled request records {records}.");
            var charged = fromLedger.GetValueOrDefault(accountId);
            if (charged != records.Cost)
                Add(run, accountId, "request_cost_mismatch", $"The ledger charged {charged} for settled calls but their request records cost {records.Cost}.");
        }
        await CheckKeyCountersAsync(db, run, accountIds, ct);
        await CheckBudgetCountersAsync(db, run, accountIds, ct);
    }

    /// <summary>A key's spend counter equals its open holds plus the settled costs of calls reserved in its month.</summary>
    private static async Task CheckKeyCountersAsync(BillingDbContext db, InvariantRun run, List<long> accountIds, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => accountIds.Contains(k.AccountId) && k.SpendMonth != null)
            .Select(k => new
            {
                k.Id,
                k.AccountId,
                k.SpendCommitted,
                Expected = db.Reservations.Where(r => r.ApiKeyId == k.Id && r.SpendMonth == k.SpendMonth)
                    .Sum(r => (long?)(r.Status == ReservationStatus.Open ? r.Amount : r.Cost ?? 0)) ?? 0,
            })
            .Where(k => k.SpendCommitted != k.Expected)
            .ToListAsync(ct);
        foreach (var k in keys)
            Add(run, k.AccountId, "key_counter_mismatch", $"API key {k.Id} counts {k.SpendCommitted} committed this month; its holds and calls add up to {k.Expected}.");
    }
}
