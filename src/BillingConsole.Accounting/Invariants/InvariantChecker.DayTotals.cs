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
        var entries = db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.CreatedAt >= since && e.Sequence <= lastSequence)
            .Select(e => new { e.CreatedAt, e.Type, e.Amount })
            .AsAsyncEnumerable();
        await foreach (var e in entries.WithCancellation(ct))
            tally.Add(e.CreatedAt, e.Type, e.Amount);
        return tally;
    }

    private static async Task CheckDayTotalsAsync(BillingDbContext db, InvariantRun run, long accountId, DayTally tally, CancellationToken ct)
    {
        var firstDay = tally.From;
        // Read in the run's snapshot, so the rows hold exactly the entries up to the account's last sequence.
        var rows = await db.LedgerDayTotals.AsNoTracking()
            .Where(t => t.AccountId == accountId && (firstDay == null || t.Day >= firstDay))
            .Select(t => new { t.Day, t.Type, t.Entries, t.Amount })
            .ToListAsync(ct);
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
