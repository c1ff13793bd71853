using BillingConsole.Accounting.Data;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BillingConsole.TestSupport;

/// <summary>Accounts, users with memberships and API keys written straight to the database.</summary>
public static class TestData
{
    public static async Task<long> CreateAccountAsync(IDbContextFactory<BillingDbContext> factory, string? name = null)
    {
        await using var db = await factory.CreateDbContextAsync();
        var account = new Account { Name = name ?? $"Account {Guid.NewGuid():N}"[..20], CreatedAt = DateTime.UtcNow };
        db.Accounts.Add(account);
        await db.SaveChangesAsync();
        return account.Id;
    }

    /// <summary>A user whose default account is the first of <paramref name="accounts"/>, with a membership row for each.</summary>
    public static async Task<long> CreateUserAsync(IDbContextFactory<BillingDbContext> factory, string email, string role, params long[] accounts)
    {
        await using var db = await factory.CreateDbContextAsync();
        var user = new User { Email = email, DisplayName = $"User {email}", Role = role, AccountId = accounts.Length > 0 ? accounts[0] : null };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        foreach (var accountId in accounts)
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = user.Id, Role = AccountRoles.Owner, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return user.Id;
    }

    public static async Task<string> CreateApiKeyAsync(IServiceProvider services, long accountId)
    {
        var created = await services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "auth test key", null, ApiKeyScopes.All, null);
        return created.Value!.Secret;
    }
}
