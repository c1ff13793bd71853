using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Web.Auth;

/// <summary>
/// The one read a session costs per request: does the user still exist, and what is their role in the current account
/// now. One statement on two primary keys (users.id, account_members (account_id, user_id)).
/// </summary>
public sealed class MembershipLookup(IDbContextFactory<BillingDbContext> dbFactory)
{
    /// <summary>Null when the user no longer exists; otherwise their role in <paramref name="accountId"/> (null when
    /// they are not a member, or no account is given). Membership comes from rows only, as in
    /// <see cref="UserDirectory.ListAccountsAsync"/>.</summary>
    public async Task<CurrentMembership?> FindAsync(long userId, long? accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await Query(db, userId, accountId).FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        return new CurrentMembership(row.Role);
    }

    /// <summary>The statement: the user's row by id with their membership row by (account, user) as a subquery.</summary>
    public static IQueryable<MembershipRow> Query(BillingDbContext db, long userId, long? accountId) =>
        db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new MembershipRow(
                db.AccountMembers.Where(m => m.AccountId == accountId && m.UserId == userId).Select(m => m.Role).FirstOrDefault()));
}

/// <summary>A user's membership role in the account asked about (null when no row).</summary>
public sealed record MembershipRow(string? Role);

/// <summary>The user exists; <paramref name="Role"/> is their role in the account asked about, null when none.</summary>
public sealed record CurrentMembership(string? Role);
