using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Admin;

public sealed record AccountHit(long Id, string Name, string? Email, string? PaymentCustomerId, Money Balance, DateTime? LastEntryAt,
    string Status = AccountStatus.Active);

public sealed record AccountMemberView(long UserId, string Email, string DisplayName, string Role);

public sealed record AdminAccountView(long Id, string Name, string? Email, string Currency, Money Balance, Money Held,
    Money OverdraftFloor, string? PaymentCustomerId, bool AutoRechargeEnabled, DateTime CreatedAt, DateTime? LastEntryAt,
    long Entries, IReadOnlyList<AccountMemberView> Members, string Status = AccountStatus.Active, DateTime? StatusChangedAt = null);

/// <summary>Finds accounts for billing staff: by id, payment customer id, account name or email, or a member's email.</summary>
public sealed class AccountSearch(IDbContextFactory<BillingDbContext> dbFactory)
{
    public const int MaxResults = 50;

    /// <summary>Empty text lists the most recently active accounts.</summary>
    public async Task<IReadOnlyList<AccountHit>> FindAsync(string? text, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var q = db.Accounts.AsNoTracking();
        var term = text?.Trim() ?? "";
        if (term.Length > 0)
        {
            var lower = term.ToLowerInvariant();
            var id = long.TryParse(term.TrimStart('#'), out var n) ? n : -1;
            var memberAccounts = db.AccountMembers
                .Where(m => db.Users.Any(u => u.Id == m.UserId && u.Email.Contains(lower)))
                .Select(m => m.AccountId);
            q = q.Where(a => a.Id == id || a.PaymentCustomerId == term || a.Name.ToLower().Contains(lower)
                || (a.Email != null && a.Email.ToLower().Contains(lower)) || memberAccounts.Contains(a.Id));
        }
        return await q.OrderByDescending(a => a.LastEntryAt).ThenBy(a => a.Id).Take(MaxResults)
            .Select(a => new AccountHit(a.Id, a.Name, a.Email, a.PaymentCustomerId, new Money(a.Balance), a.LastEntryAt, a.Status))
            .ToListAsync(ct);
    }

    public async Task<AdminAccountView?> GetAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var a = await db.Accounts.AsNoTracking().Where(x => x.Id == accountId).Select(x => new
        {
            Account = x,
            Held = db.Reservations.Where(r => r.AccountId == x.Id && r.Status == ReservationStatus.Open).Sum(r => (long?)r.Amount) ?? 0,
        }).FirstOrDefaultAsync(ct);
        if (a is null)
            return null;
        var members = (await db.AccountMembers.AsNoTracking().Where(m => m.AccountId == accountId)
                .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.Email, u.DisplayName, m.Role })
                .OrderBy(m => m.Email).ToListAsync(ct))
            .Select(m => new AccountMemberView(m.Id, m.Email, m.DisplayName, m.Role)).ToList();
        var x = a.Account;
        return new AdminAccountView(x.Id, x.Name, x.Email, x.Currency, new Money(x.Balance), new Money(a.Held), new Money(x.OverdraftFloor),
            x.PaymentCustomerId, x.AutoRechargeEnabled, x.CreatedAt, x.LastEntryAt, x.LastSequence, members, x.Status, x.StatusChangedAt);
    }
}
