using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Statements;

/// <summary>
/// Monthly statements (invoices) read from the ledger. A month is [first day, first day of the next month) in UTC by
/// <c>created_at</c>. The lines come from <see cref="LedgerDayTotal"/> (at most 31 rows per entry type, whatever the
/// traffic) and the balances from single index seeks on <c>(account_id, created_at)</c>, so a statement costs the same
/// for a quiet account and a busy one.
/// </summary>
public sealed class StatementQueries(IDbContextFactory<BillingDbContext> dbFactory)
{
    /// <summary>
    /// The statement of <paramref name="month"/>: opening balance = <c>balance_after</c> of the account's last entry
    /// before the month (0 when there is none); closing balance = that of the last entry before the next month (the
    /// opening balance when the month has no entries); one line per entry type present, in <see cref="EntryTypes.All"/>
    /// order. Throws <see cref="StatementMismatchException"/> when opening + Σ lines ≠ closing.
    /// </summary>
    public async Task<Statement> GetStatementAsync(long accountId, BillingMonth month, CancellationToken ct = default)
    {
        var (start, end) = (month.Start, month.End);
        var (firstDay, nextMonth) = (DateOnly.FromDateTime(start), DateOnly.FromDateTime(end));
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        // The month's totals per type (and whether any entry is dated after the month) with the closing balance, in one
        // statement, so that for the current month the lines and the closing balance describe the same entries.
        var rows = await db.LedgerDayTotals.AsNoTracking()
            .Where(t => t.AccountId == accountId && t.Day >= firstDay)
            .GroupBy(t => new { Later = t.Day >= nextMonth, t.Type })
            .Select(g => new
            {
                g.Key.Later,
                g.Key.Type,
                Entries = g.Sum(t => t.Entries),
                Amount = g.Sum(t => t.Amount),
                Closing = db.LedgerEntries.Where(e => e.AccountId == accountId && e.CreatedAt < end)
                    .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence).Select(e => (long?)e.BalanceAfter).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var opening = await BalanceBeforeAsync(db, accountId, start, ct);
        var closing = rows.Count == 0 ? opening : new Money(rows[0].Closing ?? 0);
        var lines = rows.Where(r => !r.Later && r.Entries > 0)
            .Select(r => new StatementLine(r.Type, r.Entries, new Money(r.Amount)))
            .OrderBy(l => OrderOf(l.Type)).ThenBy(l => l.Type, StringComparer.Ordinal)
            .ToList();

        var statement = new Statement(accountId, month, opening, closing, lines);
        // Headline figures regroup the lines by category: a line of a type without one would fall out of them.
        if (lines.FirstOrDefault(l => EntryCategories.Of(l.Type) is null) is { } unknown)
            throw new StatementMismatchException(
                $"The {month} statement of account {accountId} has entries of an unknown type '{unknown.Type}', which no headline figure covers.");
        var movement = lines.Aggregate(Money.Zero, (sum, line) => sum + line.Amount);
        if (opening + movement != closing)
            throw new StatementMismatchException(
                $"The {month} statement of account {accountId} does not tie out: opening {opening.Units} + movements {movement.Units} " +
                $"!= closing {closing.Units} (nano-dollars). The ledger breaks rule 1, or its day totals disagree with its entries.");
        return statement;
    }

    /// <summary>The balance after the account's last entry dated before <paramref name="at"/> (by created_at, then sequence).</summary>
    private static async Task<Money> BalanceBeforeAsync(BillingDbContext db, long accountId, DateTime at, CancellationToken ct) =>
        new(await db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId && e.CreatedAt < at)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence)
            .Select(e => (long?)e.BalanceAfter).FirstOrDefaultAsync(ct) ?? 0);

    /// <summary>
    /// The months in which the account has ledger entries, newest first. One index seek per month found (the next entry
    /// at or after the start of the month following the last one found), so the cost does not grow with the number of entries.
    /// </summary>
    public async Task<IReadOnlyList<BillingMonth>> GetStatementMonthsAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId);
        var months = new List<BillingMonth>();
        var next = await entries.OrderBy(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
        while (next is { } at)
        {
            var month = BillingMonth.Of(at);
            months.Add(month);
            if (month.Year == 9998 && month.Month == 12)
                break;
            var from = month.End;
            next = await entries.Where(e => e.CreatedAt >= from).OrderBy(e => e.CreatedAt).Select(e => (DateTime?)e.CreatedAt).FirstOrDefaultAsync(ct);
        }
        months.Reverse();
        return months;
    }

    private static int OrderOf(string type)
    {
        for (var i = 0; i < EntryTypes.All.Count; i++)
            if (EntryTypes.All[i].Name == type)
                return i;
        return int.MaxValue;
    }
}
