using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

public sealed record BalanceView(long AccountId, string AccountName, Money Balance, Money Held, string Currency, DateTime AsOf);

public sealed record TransactionRow(long Id, DateTime CreatedAt, string Type, Money Amount, Money BalanceAfter,
    string Description, string Source, string? RefId);

/// <summary>Read side of the ledger for pages and APIs. Every figure comes from the stored ledger, one query each.</summary>
public sealed class LedgerQueries(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxPageSize = 1000;

    public async Task<BalanceView?> GetBalanceAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId)
            .Select(a => new
            {
                a.Id,
                a.Name,
                a.Balance,
                a.Currency,
                Held = db.Reservations.Where(r => r.AccountId == a.Id && r.Status == ReservationStatus.Open).Sum(r => (long?)r.Amount) ?? 0,
            })
            .FirstOrDefaultAsync(ct);
        return row is null ? null : new BalanceView(row.Id, row.Name, new Money(row.Balance), new Money(row.Held), row.Currency, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Newest first; <paramref name="before"/> is the id of the last row already shown (keyset paging, so a page
    /// costs the same at any depth and rows appended meanwhile never shift it).</summary>
    public async Task<IReadOnlyList<TransactionRow>> GetTransactionsAsync(long accountId, int limit, long? before = null,
        IReadOnlyCollection<string>? types = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId);
        if (before is { } cursor)
            query = query.Where(e => e.Id < cursor);
        if (types is { Count: > 0 })
            query = query.Where(e => types.Contains(e.Type));
        var rows = await query.OrderByDescending(e => e.Id).Take(limit)
            .Select(e => new { e.Id, e.CreatedAt, e.Type, e.Amount, e.BalanceAfter, e.Description, e.Source, e.RefId })
            .ToListAsync(ct);
        return rows.Select(e => new TransactionRow(e.Id, e.CreatedAt, e.Type, new Money(e.Amount), new Money(e.BalanceAfter),
            e.Description, e.Source, e.RefId)).ToList();
    }
}
