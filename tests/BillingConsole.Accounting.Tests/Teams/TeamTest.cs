using BillingConsole.Accounting.Admin;
using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Teams;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace BillingConsole.Accounting.Tests.Teams;

/// <summary>Accounts with members of given roles, the team service on a fake clock, and the rows the tests assert on.</summary>
public abstract class TeamTest(LedgerDatabase database) : LedgerTest(database)
{
    protected readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

    protected static readonly TeamActor Staff = new(null, "admin-token:crm", true);

    protected TeamService Team => new(Db.Factory, new AdminAuditLog(Db.Factory, Clock), Clock);

    protected static string Email(string prefix) => $"{prefix}-{Guid.NewGuid():N}@example.test";

    protected async Task<long> UserAsync(string email, long? accountId = null, string? role = null)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var user = new User { Email = email, DisplayName = email.Split('@')[0], AccountId = accountId };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        if (accountId is { } a)
        {
            db.AccountMembers.Add(new AccountMember { AccountId = a, UserId = user.Id, Role = role ?? AccountRoles.Owner, CreatedAt = Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(Ct);
        }
        return user.Id;
    }

    /// <summary>The acting person: a signed-in user, never staff.</summary>
    protected static TeamActor Person(long userId, string email = "person@example.test") => new(userId, email, false);

    protected async Task<List<AccountMember>> MembersAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.AccountMembers.AsNoTracking().Where(m => m.AccountId == accountId).OrderBy(m => m.UserId).ToListAsync(Ct);
    }

    protected async Task<List<AccountInvitation>> InvitationsAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.AccountInvitations.AsNoTracking().Where(i => i.AccountId == accountId).OrderBy(i => i.Id).ToListAsync(Ct);
    }

    protected async Task<List<AdminAuditEntry>> AuditAsync(long accountId)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.AdminAuditLog.AsNoTracking().Where(e => e.AccountId == accountId).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    protected static T Ok<T>(TeamResult<T> result) where T : class
    {
        Assert.True(result.Succeeded, $"Expected success but got {result.Failure}");
        return result.Value!;
    }

    protected static void Fails<T>(TeamResult<T> result, TeamError error) where T : class
    {
        Assert.False(result.Succeeded, "Expected a failure but the change succeeded.");
        Assert.Equal(error, result.Failure!.Error);
    }
}
