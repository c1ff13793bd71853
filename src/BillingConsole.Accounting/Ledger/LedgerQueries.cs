using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Ledger;

public sealed record BalanceView(long AccountId, string AccountName, Money Balance, Money Held, string Currency, DateTime AsOf);

/// <summary>The balance as it stood at <see cref="At"/>: the Balance After of the last entry created at or before it
/// (<see cref="EntryId"/>), or zero with no entry when the account had none yet.</summary>
public sealed record BalanceAtView(long AccountId, Money Balance, string Currency, DateTime At, long? EntryId, DateTime? EntryCreatedAt);

public sealed record TransactionRow(long Id, DateTime CreatedAt, string Type, Money Amount, Money BalanceAfter,
    string Description, string Source, string? RefId);

/// <summary>Filters of the transaction history; every one is optional. <see cref="Types"/> are entry type names (any of
/// them matches; null or empty means all); <see cref="From"/> and <see cref="To"/> are inclusive UTC dates of
/// <c>created_at</c>.</summary>
public sealed record TransactionFilter(IReadOnlyCollection<string>? Types = null, DateOnly? From = null, DateOnly? To = null)
{
    public static readonly TransactionFilter None = new();

    public bool IsEmpty => Types is not { Count: > 0 } && From is null && To is null;
}

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

    /// <summary>The balance at <paramref name="atUtc"/>: one seek on <c>(account_id, created_at)</c> for the last entry
    /// created at or before it. Entries are never dated before the entry they follow (<c>accounts.last_entry_at</c>), so
    /// the last by time is the last by sequence; ties on the timestamp go to the higher sequence. Null when the account
    /// does not exist.</summary>
    public async Task<BalanceAtView?> GetBalanceAtAsync(long accountId, DateTime atUtc, CancellationToken ct = default)
    {
        if (atUtc.Kind != DateTimeKind.Utc)
            throw new ArgumentException("The time must be UTC.", nameof(atUtc));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var currency = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Currency).FirstOrDefaultAsync(ct);
        if (currency is null)
            return null;
        var entry = await LastEntryAtOrBefore(db, accountId, atUtc)
            .Select(e => new { e.Id, e.CreatedAt, e.BalanceAfter }).FirstOrDefaultAsync(ct);
        return entry is null
            ? new BalanceAtView(accountId, Money.Zero, currency, atUtc, null, null)
            : new BalanceAtView(accountId, new Money(entry.BalanceAfter), currency, atUtc, entry.Id, entry.CreatedAt);
    }

    /// <summary>The keyset cursor that shows history from <paramref name="atUtc"/> backwards: the <c>before</c> value
    /// whose first page starts at the last entry created at or before that time (its id + 1), or null when the account
    /// had no entry yet.</summary>
    public async Task<long?> GetCursorAtAsync(long accountId, DateTime atUtc, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await LastEntryAtOrBefore(db, accountId, atUtc).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
        return id + 1;
    }

    private static IQueryable<LedgerEntry> LastEntryAtOrBefore(BillingDbContext db, long accountId, DateTime atUtc) =>
        db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId && e.CreatedAt <= atUtc)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Sequence);

    /// <summary>Newest first; <paramref name="before"/> is the id of the last row already shown (keyset paging, so a page
    /// costs the same at any depth and rows appended meanwhile never shift it).</summary>
    public Task<IReadOnlyList<TransactionRow>> GetTransactionsAsync(long accountId, int limit, long? before = null,
        IReadOnlyCollection<string>? types = null, CancellationToken ct = default) =>
        GetTransactionsAsync(accountId, new TransactionFilter(types), limit, before, ct);

    /// <summary>The entries matching <paramref name="filter"/>, newest first by id; <paramref name="before"/> is the id
    /// of the last row already shown. Filtering never changes the order, so the same keyset cursor pages a filtered
    /// history: the next page is <c>id &lt; before</c> among the matching rows.</summary>
    public async Task<IReadOnlyList<TransactionRow>> GetTransactionsAsync(long accountId, TransactionFilter filter, int limit,
        long? before = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.From is { } f && filter.To is { } t && t < f)
            throw new ArgumentException("The range ends before it starts.", nameof(filter));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.LedgerEntries.AsNoTracking().Where(e => e.AccountId == accountId);
        if (before is { } cursor)
            query = query.Where(e => e.Id < cursor);
        if (filter.Types is { Count: > 0 } types)
            query = query.Where(e => types.Contains(e.Type));
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.CreatedAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.CreatedAt < end);
        }
        var rows = await query.OrderByDescending(e => e.Id).Take(limit)
            .Select(e => new { e.Id, e.CreatedAt, e.Type, e.Amount, e.BalanceAfter, e.Description, e.Source, e.RefId })
            .ToListAsync(ct);
        return rows.Select(e => new TransactionRow(e.Id, e.CreatedAt, e.Type, new Money(e.Amount), new Money(e.BalanceAfter),
            e.Description, e.Source, e.RefId)).ToList();
    }

    /// <summary>Σ amount of the account's entries of <paramref name="types"/> created at or after
    /// <paramref name="fromUtc"/> and before <paramref name="toUtc"/> (open when null), summed by the database.</summary>
    public async Task<Money> SumAmountsAsync(long accountId, IReadOnlyCollection<string> types, DateTime fromUtc, DateTime? toUtc = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
            return Money.Zero;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.LedgerEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && types.Contains(e.Type) && e.CreatedAt >= fromUtc);
        if (toUtc is { } end)
            query = query.Where(e => e.CreatedAt < end);
        return new Money(await query.SumAsync(e => (long?)e.Amount, ct) ?? 0);
    }
}
