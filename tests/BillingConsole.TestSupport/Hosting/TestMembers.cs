using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.TestSupport;

/// <summary>
/// Members of an account with a given role, written straight to the database, and the role
/// changed or the membership removed behind a signed-in session's back.
/// </summary>
public static class TestMembers
{
    /// <summary>A customer user with no default account and a membership row of <paramref name="role"/> in
    /// <paramref name="accountId"/> (so deleting the row ends the membership: a default account would still count).</summary>
    public static async Task<long> CreateAsync(IDbContextFactory<BillingDbContext> factory, string email, long accountId, string role)
    {
        await using var db = await factory.CreateDbContextAsync();
        var user = new User { Email = email, DisplayName = $"User {email}", Role = Roles.Customer };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        await SetRoleAsync(factory, accountId, user.Id, role);
        return user.Id;
    }

    /// <summary>Adds the membership or changes its role.</summary>
    public static async Task SetRoleAsync(IDbContextFactory<BillingDbContext> factory, long accountId, long userId, string role)
    {
        await using var db = await factory.CreateDbContextAsync();
        var existing = await db.AccountMembers.FindAsync(accountId, userId);
        if (existing is null)
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = userId, Role = role, CreatedAt = DateTime.UtcNow });
        else
            existing.Role = role;
        await db.SaveChangesAsync();
    }

    /// <summary>Deletes the membership row, as removing a member will.</summary>
    public static async Task RemoveAsync(IDbContextFactory<BillingDbContext> factory, long accountId, long userId)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.AccountMembers.Where(m => m.AccountId == accountId && m.UserId == userId).ExecuteDeleteAsync();
    }

    /// <summary>Deletes the user (their memberships go with them).</summary>
    public static async Task DeleteUserAsync(IDbContextFactory<BillingDbContext> factory, long userId)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.AccountMembers.Where(m => m.UserId == userId).ExecuteDeleteAsync();
        await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync();
    }
}
