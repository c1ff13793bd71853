using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Invariants;

/// <summary>Rule 6 for <see cref="Ledger.LedgerDayTotal"/>: every (day, type) row counts exactly the entries of that day and type.</summary>
public sealed partial class InvariantChecker
{
    /// <summary>Day totals computed from entries; <see cref="From"/> is the first day counted (null: all of them).</summary>
    private sealed class DayTally(DateOnly? from)
    {
        public DateOnly? From { get; } = from;
        public Dictionary<(DateOnly Day, string Type), (long Entries, long Amount)> Totals { get; } = [];

        public void Add(DateTime at, string type, long amount)
        {
            var key = (DateOnly.FromDateTime(at), type);
            var (entries, sum) = Totals.GetValueOrDefault(key);
            Totals[key] = (entries + 1, sum + amount);
        }
    }

    private static async Task<DayTally> TallyDaysAsync(BillingDbContext db, long accountId, DateOnly from, long lastSequence, CancellationToken ct)
    {
        var tally = new DayTally(from);
        var since = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        await AddEntriesAsync(db, tally, e => e.AccountId == accountId && e.CreatedAt >= since && e.Sequence <= lastSequence, ct);
        return tally;
    }

    private static async Task AddEntriesAsync(BillingDbContext db, DayTally tally, System.Linq.Expressions.Expression<Func<Ledger.LedgerEntry, bool>> which,
        CancellationToken ct)
    {
        var entries = db.LedgerEntries.AsNoTracking().Where(which).Select(e => new { e.CreatedAt, e.Type, e.Amount }).AsAsyncEnumerable();
        await foreach (var e in entries.WithCancellation(ct))
            tally.Add(e.CreatedAt, e.Type, e.Amount);
    }

    private static async Task CheckDayTotalsAsync(BillingDbContext db, InvariantRun run, long accountId, long lastSequence, DayTally tally, CancellationToken ct)
    {
        var firstDay = tally.From;
        // One statement reads the rows and the account's last sequence together (they are written in one transaction),
        // so entries appended since the chain was read can be added to the tally instead of showing up as differences.
        var rows = await (from t in db.LedgerDayTotals
                          join a in db.Accounts on t.AccountId equals a.Id
                          where t.AccountId == accountId && (firstDay == null || t.Day >= firstDay)
                          select new { t.Day, t.Type, t.Entries, t.Amount, a.LastSequence })
            .ToListAsync(ct);
        var seenUpTo = rows.Count > 0 ? rows[0].LastSequence : lastSequence;
        if (seenUpTo > lastSequence)
            await AddEntriesAsync(db, tally, e => e.AccountId == accountId && e.Sequence > lastSequence && e.Sequence <= seenUpTo, ct);

        var stored = rows.ToDictionary(r => (r.Day, r.Type), r => (r.Entries, r.Amount));
        foreach (var (key, counted) in tally.Totals)
        {
            var total = stored.GetValueOrDefault(key);
            if (total != counted)
                Add(run, accountId, "day_total_mismatch",
                    $"The {key.Type} total of {key.Day:yyyy-MM-dd} says {total.Entries} entries, {total.Amount}; the ledger has {counted.Entries}, {counted.Amount}.");
        }
        foreach (var (key, total) in stored.Where(s => !tally.Totals.ContainsKey(s.Key) && s.Value != (0, 0)))
            Add(run, accountId, "day_total_mismatch",
                $"The {key.Type} total of {key.Day:yyyy-MM-dd} says {total.Entries} entries, {total.Amount}; the ledger has none.");
    }
}
