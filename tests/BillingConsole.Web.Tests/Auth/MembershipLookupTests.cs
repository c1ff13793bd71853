using BillingConsole.Accounting.Identity;
using BillingConsole.Web.Auth;

namespace BillingConsole.Web.Tests.Auth;

/// <summary>The per-request membership read (<see cref="MembershipLookup"/>) on each provider's real database: a row's
/// role, the default account without a row, another account, a missing user.</summary>
public abstract class MembershipLookupTests(LedgerDatabase database)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private MembershipLookup Lookup => new(database.Factory);

    private async Task<long> CreateUserAsync(long? defaultAccount)
    {
        await using var db = await database.Factory.CreateDbContextAsync(Ct);
        var user = new User { Email = $"lookup-{Guid.NewGuid():N}@example.test", DisplayName = "Lookup", AccountId = defaultAccount };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        return user.Id;
    }

    [Fact]
    public async Task FindAsync_MembershipRow_ReturnsItsRoleAndFollowsAChange()
    {
        var account = await database.CreateAccountAsync();
        var user = await CreateUserAsync(null);
        await TestMembers.SetRoleAsync(database.Factory, account, user, AccountRoles.Owner);
        Assert.Equal(new CurrentMembership(AccountRoles.Owner), await Lookup.FindAsync(user, account, Ct));

        await TestMembers.SetRoleAsync(database.Factory, account, user, AccountRoles.Viewer);

        Assert.Equal(new CurrentMembership(AccountRoles.Viewer), await Lookup.FindAsync(user, account, Ct));
    }

    [Fact]
    public async Task FindAsync_DefaultAccountWithoutARow_IsNoMembership()
    {
        var account = await database.CreateAccountAsync();
        var user = await CreateUserAsync(account);

        Assert.Equal(new CurrentMembership(null), await Lookup.FindAsync(user, account, Ct));
    }

    [Fact]
    public async Task FindAsync_AnotherAccountOrNone_UserExistsWithoutARole()
    {
        var mine = await database.CreateAccountAsync();
        var other = await database.CreateAccountAsync();
        var user = await CreateUserAsync(mine);
        await TestMembers.SetRoleAsync(database.Factory, mine, user, AccountRoles.Owner);

        Assert.Equal(new CurrentMembership(null), await Lookup.FindAsync(user, other, Ct));
        Assert.Equal(new CurrentMembership(null), await Lookup.FindAsync(user, null, Ct));
    }

    [Fact]
    public async Task FindAsync_DeletedUser_IsNull()
    {
        var account = await database.CreateAccountAsync();
        var user = await CreateUserAsync(account);
        await TestMembers.DeleteUserAsync(database.Factory, user);

        Assert.Null(await Lookup.FindAsync(user, account, Ct));
    }
}

public sealed class SqliteMembershipLookupTests(SqliteLedgerDatabase database) : MembershipLookupTests(database), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresMembershipLookupTests(PostgresLedgerDatabase database) : MembershipLookupTests(database), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // SQL Server in a Docker container: full runs and ./test.sh --sqlserver only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerMembershipLookupTests(SqlServerLedgerDatabase database) : MembershipLookupTests(database), IClassFixture<SqlServerLedgerDatabase>;
