using BillingConsole.Accounting.Identity;
using BillingConsole.Accounting.Tests.Ledger;
using Microsoft.EntityFrameworkCore;

namespace BillingConsole.Accounting.Tests.Identity;

/// <summary>
/// <see cref="UserDirectory.SignInAsync"/> on every provider: a returning identity is found by (issuer, subject) only;
/// a verified email links an unclaimed pre-created user once; an unverified or second identity with the same address gets
/// a user of its own with no account; a verified change of address is stored unless another user has it.
/// </summary>
public abstract class UserDirectoryConformanceTests(LedgerDatabase database) : LedgerTest(database)
{
    private const string Issuer = "https://idp.example/";

    private UserDirectory Directory => new(Db.Factory);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<(long AccountId, long UserId, string Email)> PreCreatedAsync()
    {
        var account = await NewAccountAsync();
        var email = $"{Unique("owner")}@example.test";
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        var user = new User { Email = email, DisplayName = "Owner", AccountId = account };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        return (account, user.Id, email);
    }

    private async Task<User> UserAsync(long id)
    {
        await using var db = await Db.Factory.CreateDbContextAsync(Ct);
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, Ct);
    }

    [Fact]
    public async Task SignIn_VerifiedEmailOfPreCreatedUser_BindsItAndFindsItBySubjectAfterwards()
    {
        var (account, userId, email) = await PreCreatedAsync();
        var subject = Unique("sub");

        var first = await Directory.SignInAsync(new(Issuer, subject, email.ToUpperInvariant(), true, "Someone"), Ct);
        var again = await Directory.SignInAsync(new(Issuer, subject, $"{Unique("moved")}@example.test", false, null), Ct);

        Assert.Equal((userId, (long?)account), (first.Id, first.AccountId));
        Assert.Equal(userId, again.Id);
        Assert.Equal("Owner", first.DisplayName);
        var stored = await UserAsync(userId);
        Assert.Equal((Issuer, subject, email), (stored.IdentityIssuer, stored.IdentitySubject, stored.Email));
    }

    [Fact]
    public async Task SignIn_UnverifiedEmailOfPreCreatedUser_CreatesAnotherUserWithNoAccount()
    {
        var (_, userId, email) = await PreCreatedAsync();

        var user = await Directory.SignInAsync(new(Issuer, Unique("sub"), email, false, "Intruder"), Ct);

        Assert.NotEqual(userId, user.Id);
        Assert.Null(user.AccountId);
        Assert.Empty(await Directory.ListAccountsAsync(user.Id, Ct));
        Assert.Null((await UserAsync(userId)).IdentitySubject);
    }

    [Fact]
    public async Task SignIn_SameEmailFromAnotherSubjectOrIssuer_GetsItsOwnUser()
    {
        var (_, userId, email) = await PreCreatedAsync();
        var subject = Unique("sub");
        await Directory.SignInAsync(new(Issuer, subject, email, true, null), Ct);

        var otherSubject = await Directory.SignInAsync(new(Issuer, Unique("sub"), email, true, null), Ct);
        var otherIssuer = await Directory.SignInAsync(new("https://other-idp.example/", subject, email, true, null), Ct);

        Assert.All(new[] { otherSubject, otherIssuer }, u => Assert.NotEqual(userId, u.Id));
        Assert.NotEqual(otherSubject.Id, otherIssuer.Id);
        Assert.All(new[] { otherSubject, otherIssuer }, u => Assert.Null(u.AccountId));
    }

    [Fact]
    public async Task SignIn_NewIdentity_CreatedOnceAndFoundAgain()
    {
        var subject = Unique("sub");
        var email = $"{Unique("new")}@example.test";

        var created = await Directory.SignInAsync(new(Issuer, subject, email, true, "  New Person  "), Ct);
        var found = await Directory.SignInAsync(new(Issuer, subject, email, true, "Renamed"), Ct);

        Assert.Equal(created.Id, found.Id);
        Assert.Equal(("New Person", email, Roles.Customer), (found.DisplayName, found.Email, found.Role));
    }

    [Fact]
    public async Task SignIn_ChangedVerifiedEmail_StoredUnlessAnotherUserHasIt()
    {
        var (_, userId, email) = await PreCreatedAsync();
        var (_, _, taken) = await PreCreatedAsync();
        var subject = Unique("sub");
        await Directory.SignInAsync(new(Issuer, subject, email, true, null), Ct);

        var unverified = await Directory.SignInAsync(new(Issuer, subject, $"{Unique("unverified")}@example.test", false, null), Ct);
        var collides = await Directory.SignInAsync(new(Issuer, subject, taken, true, null), Ct);
        var changed = $"{Unique("changed")}@example.test";
        var updated = await Directory.SignInAsync(new(Issuer, subject, changed.ToUpperInvariant(), true, null), Ct);

        Assert.Equal(email, unverified.Email);
        Assert.Equal(email, collides.Email);
        Assert.Equal((userId, changed), (updated.Id, updated.Email));
        Assert.Equal(changed, (await UserAsync(userId)).Email);
    }

    [Fact]
    public async Task SignIn_TwoIdentitiesRaceForOnePreCreatedUser_ExactlyOneBindsIt()
    {
        var (_, userId, email) = await PreCreatedAsync();

        var users = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => Directory.SignInAsync(new(Issuer, Unique("sub"), email, true, null), Ct), Ct)));

        Assert.Single(users, u => u.Id == userId);
        Assert.Equal(4, users.Select(u => u.Id).Distinct().Count());
    }
}

public sealed class SqliteUserDirectoryConformanceTests(SqliteLedgerDatabase db) : UserDirectoryConformanceTests(db), IClassFixture<SqliteLedgerDatabase>;

[Trait("Speed", "Slow")] // the provider suite repeats the SQLite one on PostgreSQL: full runs and CI only
public sealed class PostgresUserDirectoryConformanceTests(PostgresLedgerDatabase db) : UserDirectoryConformanceTests(db), IClassFixture<PostgresLedgerDatabase>;

[Trait("Speed", "Slow")] // a SQL Server container per suite where Docker runs: full runs and CI only
[Trait("Provider", "SqlServer")]
public sealed class SqlServerUserDirectoryConformanceTests(SqlServerLedgerDatabase db) : UserDirectoryConformanceTests(db), IClassFixture<SqlServerLedgerDatabase>;
