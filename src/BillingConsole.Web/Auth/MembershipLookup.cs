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
    /// they are not a member, or no account is given). The user's default account counts as a membership without a row,
    /// with the legacy member role, as in <see cref="UserDirectory.ListAccountsAsync"/>.</summary>
    public async Task<CurrentMembership?> FindAsync(long userId, long? accountId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new
            {
                u.AccountId,
                Role = db.AccountMembers.Where(m => m.UserId == userId && m.AccountId == accountId).Select(m => m.Role).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        var role = row.Role ?? (accountId is not null && row.AccountId == accountId ? AccountRoles.Member : null);
        return new CurrentMembership(role);
    }
}

/// <summary>The user exists; <paramref name="Role"/> is their role in the account asked about, null when none.</summary>
public sealed record CurrentMembership(string? Role);
