using BillingConsole.Accounting.Data;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Identity;

public sealed record UserSummary(long Id, string Email, string DisplayName, string Role, long? AccountId, string? AccountName);

/// <summary>Looks up the people who may sign in.</summary>
public sealed class UserDirectory(IDbContextFactory<BillingDbContext> dbFactory)
{
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

    // Filter and order on the entity, then project: EF cannot translate members of a record built by its constructor.
    private static IQueryable<UserSummary> Query(BillingDbContext db, IQueryable<User> users) =>
        from u in users
        join a in db.Accounts on u.AccountId equals a.Id into accounts
        from a in accounts.DefaultIfEmpty()
        select new UserSummary(u.Id, u.Email, u.DisplayName, u.Role, u.AccountId, a == null ? null : a.Name);
}
