using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Statements;

/// <summary>
/// Monthly statements (invoices) read only from the ledger. A month is [first day, first day of the next month) in
/// UTC by <c>created_at</c>, so every query is a range seek on the <c>(account_id, created_at)</c> index.
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
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId);

        // "Last" is by created_at (a backward seek on the index), then sequence for entries written in the same tick.
        var bounds = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new
            {
                Opening = entries.Where(e => e.CreatedAt < start).OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence)
                    .Select(e => (long?)e.BalanceAfter).FirstOrDefault(),
                Closing = entries.Where(e => e.CreatedAt < end).OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence)
                    .Select(e => (long?)e.BalanceAfter).FirstOrDefault(),
                ClosingSequence = entries.Where(e => e.CreatedAt < end).OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence)
                    .Select(e => (long?)e.Sequence).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        var opening = new Money(bounds?.Opening ?? 0);
        var closing = new Money(bounds?.Closing ?? 0);
        var lastSequence = bounds?.ClosingSequence ?? 0;

        // Entries appended after the closing entry was read (a statement of the current month) are left out, so the
        // lines and the closing balance describe the same prefix of the ledger.
        var sums = await entries.Where(e => e.CreatedAt >= start && e.CreatedAt < end && e.Sequence <= lastSequence)
            .GroupBy(e => e.Type)
            .Select(g => new { Type = g.Key, Count = g.LongCount(), Amount = g.Sum(e => e.Amount) })
            .ToListAsync(ct);
        var lines = sums
            .OrderBy(s => OrderOf(s.Type)).ThenBy(s => s.Type, StringComparer.Ordinal)
            .Select(s => new StatementLine(s.Type, s.Count, new Money(s.Amount)))
            .ToList();

        var statement = new Statement(accountId, month, opening, closing, Money.Zero, Money.Zero, Money.Zero, Money.Zero, Money.Zero, Money.Zero, lines);
        statement = statement with
        {
            Purchased = statement.SumOf(EntryTypes.Topup, EntryTypes.AutoRecharge),
            Fees = -statement.SumOf(EntryTypes.PlatformFee),
            CreditsUsed = -statement.SumOf(EntryTypes.Reservation, EntryTypes.Settlement, EntryTypes.Release, EntryTypes.UsageDebit),
            Refunds = statement.SumOf(EntryTypes.Refund),
            Corrections = statement.SumOf(EntryTypes.AdminCorrection),
            Grants = statement.SumOf(EntryTypes.Bonus, EntryTypes.ContractGrant, EntryTypes.BonusGrant),
        };

        var movement = lines.Aggregate(Money.Zero, (sum, line) => sum + line.Amount);
        if (opening + movement != closing)
            throw new StatementMismatchException(
                $"The {month} statement of account {accountId} does not tie out: opening {opening.Units} + movements {movement.Units} " +
                $"!= closing {closing.Units} (nano-dollars). The ledger breaks rule 1 (or its created_at order disagrees with its sequence).");
        return statement;
    }

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
