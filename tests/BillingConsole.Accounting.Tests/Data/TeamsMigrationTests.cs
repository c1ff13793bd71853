using BillingConsole.Accounting.Identity;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Data;

/// <summary>The TeamsAndInvitations migration: <c>member</c> rows become <c>developer</c>, a default account without a
/// row becomes an owner row, and the role CHECK then refuses anything but owner, developer and viewer.</summary>
public abstract class TeamsMigrationTests(LedgerDatabase database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migration_RenamesMemberAndGivesDefaultAccountsAnOwnerRow()
    {
        database.RequireAvailable();
        var account = await CreateAccountAsOfThenAsync();
        var other = await CreateAccountAsOfThenAsync();
        long withRow, withoutRow, noAccount;
        await using (var db = await database.Factory.CreateDbContextAsync(Ct))
        {
            var users = new[]
            {
                new User { Email = $"{Guid.NewGuid():N}@x.test", DisplayName = "Row", AccountId = account },
                new User { Email = $"{Guid.NewGuid():N}@x.test", DisplayName = "No row", AccountId = account },
                new User { Email = $"{Guid.NewGuid():N}@x.test", DisplayName = "No account" },
            };
            db.Users.AddRange(users);
            await db.SaveChangesAsync(Ct);
            (withRow, withoutRow, noAccount) = (users[0].Id, users[1].Id, users[2].Id);
            db.AccountMembers.AddRange(
                new AccountMember { AccountId = account, UserId = withRow, Role = "member", CreatedAt = DateTime.UtcNow },
                new AccountMember { AccountId = other, UserId = withoutRow, Role = "member", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync(Ct);
        }

        await database.MigrateAsync();

        await using var check = await database.Factory.CreateDbContextAsync(Ct);
        var rows = await check.AccountMembers.AsNoTracking().Where(m => m.UserId == withRow || m.UserId == withoutRow || m.UserId == noAccount)
            .OrderBy(m => m.UserId).ThenBy(m => m.AccountId).Select(m => new { m.UserId, m.AccountId, m.Role }).ToListAsync(Ct);
        Assert.Equal([
            new { UserId = withRow, AccountId = account, Role = AccountRoles.Developer },
            new { UserId = withoutRow, AccountId = account, Role = AccountRoles.Owner },
            new { UserId = withoutRow, AccountId = other, Role = AccountRoles.Developer },
        ], rows);
        check.AccountMembers.Add(new AccountMember { AccountId = other, UserId = noAccount, Role = "member", CreatedAt = DateTime.UtcNow });
        await Assert.ThrowsAsync<DbUpdateException>(() => check.SaveChangesAsync(Ct));
    }

    /// <summary>An account row with the columns the schema had before this migration: the current model has more
    /// (later migrations add them), so EF's own insert would name columns that do not exist yet.</summary>
    private async Task<long> CreateAccountAsOfThenAsync()
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var name = $"Before teams {Guid.NewGuid():N}";
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO accounts (name, currency, balance, overdraft_floor, last_sequence, created_at, auto_recharge_enabled, auto_recharge_sequence)
            VALUES ({name}, {"USD"}, {0L}, {0L}, {0L}, {DateTime.UtcNow}, {false}, {0L})
            """, Ct);
        return await db.Database.SqlQuery<long>($"SELECT id AS \"Value\" FROM accounts WHERE name = {name}").SingleAsync(Ct);
    }
}

public sealed class SqliteBeforeTeams : SqliteLedgerDatabase
{
    protected override string? StartMigration => "AccountLifecycle";
}

public sealed class PostgresBeforeTeams : PostgresLedgerDatabase
{
    protected override string? StartMigration => "AccountLifecycle";
}

public sealed class SqlServerBeforeTeams : SqlServerLedgerDatabase
{
    protected override string? StartMigration => "AllowSnapshotIsolation";
}

public sealed class SqliteTeamsMigrationTests(SqliteBeforeTeams db) : TeamsMigrationTests(db), IClassFixture<SqliteBeforeTeams>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresTeamsMigrationTests(PostgresBeforeTeams db) : TeamsMigrationTests(db), IClassFixture<PostgresBeforeTeams>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerTeamsMigrationTests(SqlServerBeforeTeams db) : TeamsMigrationTests(db), IClassFixture<SqlServerBeforeTeams>;
