using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Identity;

public sealed record UserSummary(long Id, string Email, string DisplayName, string Role, long? AccountId, string? AccountName);

/// <summary>An account a user may act for, with their role in it (<see cref="AccountRoles"/>).</summary>
public sealed record AccountMembership(long AccountId, string AccountName, string Role);

/// <summary>Looks up the people who may sign in and the accounts they belong to.</summary>
public sealed class UserDirectory(IDbContextFactory<BillingDbContext> dbFactory, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().OrderBy(u => u.Role).ThenBy(u => u.Email)).ToListAsync(ct);
    }

    public async Task<UserSummary?> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().Where(u => u.Email == email)).FirstOrDefaultAsync(ct);
    }

    public async Task<UserSummary?> FindByIdAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().Where(u => u.Id == userId)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The user with this email (compared case-insensitively), created as a customer with no account when
    /// there is none yet: how a person who signs in through the identity provider for the first time gets a user.
    /// Their accounts come only from <see cref="AccountMember"/> rows that the app (an admin) writes.</summary>
    public async Task<UserSummary> FindOrCreateAsync(string email, string displayName, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToLowerInvariant();
        if (await FindNormalizedAsync(normalized, ct) is { } existing)
            return existing;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var name = string.IsNullOrWhiteSpace(displayName) ? normalized : displayName.Trim();
            db.Users.Add(new User { Email = normalized, DisplayName = name.Length > 200 ? name[..200] : name, Role = Roles.Customer });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // A concurrent first sign-in created the same user (unique email): use theirs.
            }
        }
        return await FindNormalizedAsync(normalized, ct)
            ?? throw new InvalidOperationException($"The user {normalized} could not be created.");
    }

    private async Task<UserSummary?> FindNormalizedAsync(string normalized, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Query(db, db.Users.AsNoTracking().Where(u => u.Email.ToLower() == normalized).OrderBy(u => u.Id)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The accounts the user belongs to, by name: their <see cref="AccountMember"/> rows plus their default
    /// account (<see cref="User.AccountId"/>), which counts as a membership even without a row.</summary>
    public async Task<IReadOnlyList<AccountMembership>> ListAccountsAsync(long userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await (
            from m in db.AccountMembers.AsNoTracking()
            join a in db.Accounts on m.AccountId equals a.Id
            where m.UserId == userId
            select new { m.AccountId, a.Name, m.Role }).ToListAsync(ct);
        var result = members.Select(m => new AccountMembership(m.AccountId, m.Name, m.Role)).ToList();
        var defaultAccount = await (
            from u in db.Users.AsNoTracking()
            join a in db.Accounts on u.AccountId equals a.Id
            where u.Id == userId
            select new { a.Id, a.Name }).FirstOrDefaultAsync(ct);
        if (defaultAccount is not null && result.All(m => m.AccountId != defaultAccount.Id))
            result.Add(new AccountMembership(defaultAccount.Id, defaultAccount.Name, AccountRoles.Member));
        return result.OrderBy(m => m.AccountName, StringComparer.CurrentCultureIgnoreCase).ThenBy(m => m.AccountId).ToList();
    }

    /// <summary>The user's membership of the account, or null when they do not belong to it.</summary>
    public async Task<AccountMembership?> FindMembershipAsync(long userId, long accountId, CancellationToken ct = default) =>
        (await ListAccountsAsync(userId, ct)).FirstOrDefault(m => m.AccountId == accountId);

    /// <summary>Adds the user to the account, or changes their role in it.</summary>
    public async Task AddMemberAsync(long accountId, long userId, string role = AccountRoles.Member, CancellationToken ct = default)
    {
        if (!AccountRoles.IsValid(role))
            throw new ArgumentException($"'{role}' is not an account role; use {AccountRoles.Owner} or {AccountRoles.Member}.", nameof(role));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.AccountMembers.FindAsync([accountId, userId], ct);
        if (existing is null)
            db.AccountMembers.Add(new AccountMember { AccountId = accountId, UserId = userId, Role = role, CreatedAt = _clock.GetUtcNow().UtcDateTime });
        else
            existing.Role = role;
        await db.SaveChangesAsync(ct);
    }

    // Filter and order on the entity, then project: EF cannot translate members of a record built by its constructor.
    private static IQueryable<UserSummary> Query(BillingDbContext db, IQueryable<User> users) =>
        from u in users
        join a in db.Accounts on u.AccountId equals a.Id into accounts
        from a in accounts.DefaultIfEmpty()
        select new UserSummary(u.Id, u.Email, u.DisplayName, u.Role, u.AccountId, a == null ? null : a.Name);
}
